"""The index's vectors: the rows in the database and each process's in-memory copy of them.

Every writer locks the one `IndexState` row, so several processes (app servers, job workers)
take turns; each keeps an in-memory copy of the vectors (the engine's `VectorIndex`) and, before
using it, fetches only the vector rows whose `seq` is newer than its copy, so all copies stay
exact."""

import threading
from datetime import UTC, datetime

import numpy as np
from django.db import connection

from .engine.neighbours import Member, VectorIndex
from .engine.textmodel import TextModel, pack_signature, unpack_signature
from .lists import threshold as list_threshold
from .models import ArticleVector, IndexState, TextModelBlob
from .sql import execute, table

BATCH = 2000


class ProcessCopy:
    """This process's copy of the current model and vectors."""

    def __init__(self):
        self.generation = -1
        self.seq = -1
        self.model: TextModel | None = None
        self.index: VectorIndex | None = None


copy = ProcessCopy()
copy_lock = threading.Lock()  # threads of one process share the copy


def forget_copy() -> None:
    """The copy may hold what was rolled back: reload it next time."""
    copy.generation = -1


def state_for_update() -> IndexState:
    try:
        return IndexState.objects.select_for_update().get(pk=1)
    except IndexState.DoesNotExist:
        IndexState.objects.get_or_create(pk=1)
        return IndexState.objects.select_for_update().get(pk=1)


def synced(state: IndexState) -> tuple[TextModel, VectorIndex]:
    """This process's copy brought up to `state` (call with the state row locked)."""
    if copy.generation != state.generation:
        blob = TextModelBlob.objects.get(generation=state.generation)
        copy.model = TextModel.from_bytes(blob.payload)
        copy.index = VectorIndex(copy.model.dims, copy.model.dense_weight)
        copy.generation, copy.seq = state.generation, -1
    if copy.seq < state.seq:
        rows = ArticleVector.objects.filter(generation=state.generation, seq__gt=copy.seq)
        for vec in rows.iterator(chunk_size=BATCH):
            _put_row(copy.index, vec)
        copy.seq = state.seq
    return copy.model, copy.index


def _put_row(index: VectorIndex, vec: ArticleVector) -> None:
    idx, val = unpack_signature(vec.signature)
    member = Member(vec.article_id, vec.group_id, vec.language,
                    vec.published_at.timestamp() if vec.published_at else 0.0, vec.active)
    dense = np.frombuffer(bytes(vec.dense), np.float32)
    threshold = vec.threshold if vec.threshold is not None else -np.inf
    index.put(member, dense, idx, val, threshold)
    if not vec.active:
        index.deactivate(vec.article_id)


def signature_arrays(vectors, row):
    sig = vectors.signature
    lo, hi = sig.indptr[row], sig.indptr[row + 1]
    return sig.indices[lo:hi].astype(np.int32), sig.data[lo:hi].astype(np.float32)


_VECTOR_COLUMNS = ["generation", "article_id", "group_id", "language", "published_at", "active",
                   "dense", "signature", "threshold", "seq"]


def vector_row(generation, article_id, fields) -> tuple:
    fields = {**fields, "generation": generation, "article_id": article_id,
              "published_at": connection.ops.adapt_datetimefield_value(fields["published_at"])}
    return tuple(fields[c] for c in _VECTOR_COLUMNS)


def insert_vectors(rows) -> None:
    columns = ", ".join(_VECTOR_COLUMNS)
    marks = ", ".join(["%s"] * len(_VECTOR_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table(ArticleVector)} ({columns}) VALUES ({marks})",
                           rows)


def vector_fields(index, row, vectors, vrow, threshold, seq) -> dict:
    published = index.published[row]
    return {
        "group_id": int(index.group[row]),
        "language": index.language[row],
        "published_at": datetime.fromtimestamp(published, tz=UTC),
        "active": bool(index.active[row]),
        "dense": vectors.dense[vrow].astype(np.float32).tobytes(),
        "signature": pack_signature(vectors.signature, vrow),
        "threshold": threshold,
        "seq": seq,
    }


def save_vectors(state, index, changed_vectors, gone, lists) -> None:
    """Write changed vector rows and thresholds, each with a new `seq` so other processes see it."""
    seq = state.seq
    gen = state.generation
    for article_id, vectors, row, stored_before in changed_vectors:
        seq += 1
        t = lists.get(article_id)
        threshold = list_threshold(t) if t is not None else None
        index.threshold[row] = threshold if threshold is not None else -np.inf
        fields = vector_fields(index, row, vectors, 0, threshold, seq)
        if stored_before:
            ArticleVector.objects.filter(generation=gen, article_id=article_id).update(**fields)
        else:
            insert_vectors([vector_row(gen, article_id, fields)])
    for article_id in (a for a in gone if a in index.row_of):
        seq += 1
        ArticleVector.objects.filter(generation=gen, article_id=article_id).update(
            active=False, seq=seq)
    changed = {a for a, _, _, _ in changed_vectors}
    updates = []
    for article_id, ranked in lists.items():
        if article_id in changed:
            continue
        threshold = list_threshold(ranked)
        row = index.row_of[article_id]
        value = threshold if threshold is not None else -np.inf
        if index.threshold[row] == np.float32(value):
            continue  # unchanged: other processes need not fetch the row again
        index.threshold[row] = value
        seq += 1
        updates.append((threshold, seq, gen, article_id))
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table(ArticleVector)} SET threshold = %s, seq = %s "
                               "WHERE generation = %s AND article_id = %s", updates)
    state.seq = seq
    state.save(update_fields=["seq"])
    copy.seq = seq


def keep_only_generation(generation: int) -> None:
    """Drop the vectors and models of older generations (after a build)."""
    execute(f"DELETE FROM {table(ArticleVector)} WHERE generation <> %s", [generation])
    execute(f"DELETE FROM {table(TextModelBlob)} WHERE generation <> %s", [generation])
