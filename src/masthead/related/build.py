"""The full build: refit the text model on every indexable article and recompute every list.

Run by `masthead rebuild_related`, by the rebuild job a bulk change (an import) enqueues, and by
an update that finds a small archive has doubled since its last fit."""

import os
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead import changes
from masthead.newsroom.models import Article

from . import update, vectors
from .choices import load_choices
from .engine import semantic
from .engine.neighbours import VectorIndex
from .engine.terms import count_batches, count_terms
from .engine.textmodel import TextModel
from .lists import delete_all_links, stored_count, threshold, write_lists
from .models import IndexState, TextModelBlob
from .texts import indexable_articles, read_texts
from .vectors import (
    copy_lock,
    forget_copy,
    insert_vectors,
    keep_only_generation,
    signature_arrays,
    state_for_update,
    vector_fields,
    vector_row,
)

BATCH = 2000
PARALLEL_COUNTING_MIN = 20_000  # articles from which a full build counts terms in two processes


@dataclass
class Build:
    members: list
    model: TextModel
    vectors: object
    index: VectorIndex
    lists: dict
    choices: dict
    started: object


def rebuild(progress=None) -> dict:
    """Refit the model and recompute every list. Returns figures about the build.

    The work is done without holding the index lock; only writing the result takes it, and
    articles saved meanwhile are then updated again on top. `progress(stage, done, total)` is
    told how far each stage has come."""
    build = compute_build(progress)
    with copy_lock:
        try:
            with transaction.atomic():
                write_build(state_for_update(), build, progress)
        except BaseException:
            forget_copy()
            raise
    announce_rebuilt(build)
    saved_meanwhile = set(Article.objects.filter(modified_at__gte=build.started).values_list(
        "pk", flat=True))
    if saved_meanwhile:
        update.update_articles(saved_meanwhile)
    return {"articles": len(build.members), "dims": build.model.dims,
            "method": "text+semantic" if build.model.encoder_name else "text"}


def _counting_workers() -> int:
    """Processes to count terms in: two on a large archive when there are cores for them
    (counting is a fifth of a 100,000-article build), none on a small one, where starting
    them would cost more than it saves."""
    if indexable_articles().count() < PARALLEL_COUNTING_MIN:
        return 1
    return min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def compute_build(progress=None) -> Build:
    def tell(stage):
        return (lambda done, total: progress(stage, done, total)) if progress else None

    started = timezone.now()
    encoder = semantic.encoder_for(settings.MASTHEAD_RELATED_SEMANTIC)
    members, kept_texts = [], []

    def batches():
        for batch in read_texts(progress=tell("reading")):
            members.extend(t.member for t in batch)
            if encoder is not None:  # the embeddings need the text itself; keep it only then
                kept_texts.extend(t.text for t in batch)
            yield [t.text for t in batch]

    count_blocks = list(count_batches(batches(), _counting_workers()))
    if progress:
        progress("fitting", 0, 1)
    model = TextModel.fit(count_blocks or count_terms([]), encoder=encoder)
    vectors = model.transform(count_blocks or count_terms([]),
                              kept_texts if encoder is not None else None)
    del count_blocks
    kept_texts.clear()
    if progress:
        progress("fitting", 1, 1)
    index = VectorIndex(model.dims, model.dense_weight)
    for i, member in enumerate(members):
        index.put(member, vectors.dense[i], *signature_arrays(vectors, i))
    choices = load_choices() if members else {}
    excluded = {a: set(c.excluded) for a, c in choices.items()}
    lists = index.all_lists(stored_count(), started.timestamp(), excluded,
                            progress=tell("relating"))
    index.prepare()  # for the updates that follow
    return Build(members, model, vectors, index, lists, choices, started)


def write_build(state: IndexState, build: Build, progress=None) -> None:
    """Store a build as the new generation (call with the state row locked, in a transaction;
    then `announce_rebuilt` once it has committed)."""
    members, index, lists = build.members, build.index, build.lists
    generation = state.generation + 1
    TextModelBlob.objects.create(generation=generation, n_docs=len(members),
                                 payload=build.model.to_bytes())
    seq = state.seq
    total = 2 * len(members)
    vector_rows = []
    for i, member in enumerate(members):
        seq += 1
        limit = threshold(lists.get(member.article_id, []))
        index.threshold[i] = limit if limit is not None else -np.inf
        vector_rows.append(vector_row(generation, member.article_id, vector_fields(
            index, i, build.vectors, i, limit, seq)))
        if len(vector_rows) == BATCH or i == len(members) - 1:
            insert_vectors(vector_rows)
            vector_rows = []
            if progress:
                progress("writing", i + 1, total)
    delete_all_links()
    items = list(lists.items())
    for i in range(0, len(items), BATCH):
        write_lists(dict(items[i:i + BATCH]), build.choices)
        if progress:
            progress("writing", len(members) + min(i + BATCH, len(items)), total)
    keep_only_generation(generation)
    state.generation, state.seq = generation, seq
    state.save(update_fields=["generation", "seq"])
    vectors.copy.model, vectors.copy.index = build.model, index
    vectors.copy.generation, vectors.copy.seq = generation, seq


def announce_rebuilt(build: Build) -> None:
    """Every list is new: announced as one bulk change, so caches drop them in one go."""
    with changes.bulk():
        changes.announce(related=[m.article_id for m in build.members])
