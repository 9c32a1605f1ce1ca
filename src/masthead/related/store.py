"""Keeping the stored related lists current: the Django side of the engine.

Writers (an editor's save, the rebuild command) call `update_articles` or `rebuild`; readers never
come here. Every writer locks the one `IndexState` row, so several server processes take turns;
each keeps an in-memory copy of the vectors (the engine's `VectorIndex`) and, before using it,
fetches only the vector rows whose `seq` is newer than its copy, so all copies stay exact.
"""

import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from masthead.newsroom.models import Article

from .engine import semantic
from .engine.neighbours import Member, Query, Ranked, VectorIndex
from .engine.terms import count_batches, count_terms
from .engine.text import document_text
from .engine.textmodel import TextModel, pack_signature, unpack_signature
from .models import (
    ArticleVector,
    IndexState,
    RelatedChoice,
    RelatedLink,
    RelatedPin,
    TextModelBlob,
)

log = logging.getLogger(__name__)

LIVE_STATUSES = [Article.Status.PUBLISHED, Article.Status.SCHEDULED]
SPARE = 6  # stored beyond what is shown: scheduled or unpublished entries leave room
BATCH = 2000
PARALLEL_COUNTING_MIN = 20_000  # articles from which a full build counts terms in two processes


def shown_count() -> int:
    return max(1, settings.MASTHEAD_RELATED_COUNT)


def stored_count() -> int:
    return shown_count() + SPARE


def indexable_articles():
    """Articles that may appear in lists: published, or scheduled (shown once released)."""
    return Article.objects.filter(status__in=LIVE_STATUSES, published_at__isnull=False)


# -- reading article text ---------------------------------------------------------------------
@dataclass
class ArticleText:
    member: Member
    text: str


TEXT_FIELDS = ["pk", "translation_of_id", "language", "published_at", "title", "dek", "body",
               "section__name", "section__parent__name"]


def read_texts(progress=None):
    """Yield ArticleText batches for every indexable article, in id order.

    The ids come first, then each batch by primary key: a filtered, ordered and limited query
    per batch lets SQLite pick the status index and sort the whole table every time."""
    ids = list(indexable_articles().order_by("pk").values_list("pk", flat=True))
    for done in range(0, len(ids), BATCH):
        chunk = ids[done:done + BATCH]
        rows = list(indexable_articles().filter(pk__in=chunk).order_by("pk")
                    .values_list(*TEXT_FIELDS))
        yield _with_tags(rows)
        if progress:
            progress(done + len(chunk), len(ids))


def texts_of(article_ids) -> dict[int, "ArticleText"]:
    """ArticleText of those of these articles that are indexable, by id."""
    rows = list(indexable_articles().filter(pk__in=list(article_ids)).order_by()
                .values_list(*TEXT_FIELDS))
    return {t.member.article_id: t for t in _with_tags(rows)}


def _with_tags(rows) -> list["ArticleText"]:
    tags: dict[int, list[str]] = {}
    through = Article.tags.through.objects.filter(article_id__in=[r[0] for r in rows])
    for article_id, name in through.order_by().values_list("article_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    return [_article_text(row, tags.get(row[0], ())) for row in rows]


def _article_text(row, tags) -> ArticleText:
    pk, original, language, published, title, dek, body, section, parent = row
    member = Member(article_id=pk, group=original or pk, language=language,
                    published=published.timestamp())
    text = document_text(title, dek, body, tags, " ".join(s for s in (parent, section) if s))
    return ArticleText(member, text)


# -- the per-process copy of the index ----------------------------------------------------------
class _Copy:
    def __init__(self):
        self.generation = -1
        self.seq = -1
        self.model: TextModel | None = None
        self.index: VectorIndex | None = None


_copy = _Copy()
_copy_lock = threading.Lock()  # threads of one process share the copy


def _state_for_update() -> IndexState:
    try:
        return IndexState.objects.select_for_update().get(pk=1)
    except IndexState.DoesNotExist:
        IndexState.objects.get_or_create(pk=1)
        return IndexState.objects.select_for_update().get(pk=1)


def _synced(state: IndexState) -> tuple[TextModel, VectorIndex]:
    """This process's copy brought up to `state` (call with the state row locked)."""
    if _copy.generation != state.generation:
        blob = TextModelBlob.objects.get(generation=state.generation)
        _copy.model = TextModel.from_bytes(blob.payload)
        _copy.index = VectorIndex(_copy.model.dims, _copy.model.dense_weight)
        _copy.generation, _copy.seq = state.generation, -1
    if _copy.seq < state.seq:
        rows = ArticleVector.objects.filter(generation=state.generation, seq__gt=_copy.seq)
        for vec in rows.iterator(chunk_size=BATCH):
            _put_row(_copy.index, vec)
        _copy.seq = state.seq
    return _copy.model, _copy.index


def _put_row(index: VectorIndex, vec: ArticleVector) -> None:
    idx, val = unpack_signature(vec.signature)
    member = Member(vec.article_id, vec.group_id, vec.language,
                    vec.published_at.timestamp() if vec.published_at else 0.0, vec.active)
    dense = np.frombuffer(bytes(vec.dense), np.float32)
    threshold = vec.threshold if vec.threshold is not None else -np.inf
    index.put(member, dense, idx, val, threshold)
    if not vec.active:
        index.deactivate(vec.article_id)


# -- editors' choices ---------------------------------------------------------------------------
@dataclass
class Choices:
    see_also: str = RelatedChoice.SeeAlso.AUTO
    see_also_article: int | None = None
    excluded: frozenset = frozenset()
    pins: tuple = ()


def load_choices(article_ids=None) -> dict[int, Choices]:
    """The choices made for these articles, or for every article (a full build)."""
    choices, pin_rows = RelatedChoice.objects.order_by(), RelatedPin.objects.all()
    through = RelatedChoice.excluded.through.objects.order_by()
    if article_ids is not None:
        ids = list(article_ids)
        choices = choices.filter(article_id__in=ids)
        pin_rows = pin_rows.filter(article_id__in=ids)
        through = through.filter(relatedchoice__article_id__in=ids)
    out: dict[int, Choices] = {}
    excluded: dict[int, set] = {}
    choices = list(choices)
    if choices:  # exclusions hang off a choices row: none without one
        for article_id, other in through.values_list("relatedchoice__article_id",
                                                     "article_id"):
            excluded.setdefault(article_id, set()).add(other)
    for c in choices:
        out[c.article_id] = Choices(c.see_also, c.see_also_article_id,
                                    frozenset(excluded.get(c.article_id, ())))
    pins: dict[int, list[int]] = {}
    for article_id, pinned in pin_rows.order_by("article_id", "position", "pk").values_list(
            "article_id", "pinned_id"):
        pins.setdefault(article_id, []).append(pinned)
    for article_id, pinned in pins.items():
        current = out.setdefault(article_id, Choices())
        current.pins = tuple(pinned)
    return out


# -- writing lists ------------------------------------------------------------------------------
def _link_rows(lists: dict[int, list[Ranked]], choices: dict[int, Choices]) -> list[tuple]:
    """The stored rows of these lists: pins, chosen See also, then the computed list, as
    (article_id, related_id, kind, rank, score, see_also_ok)."""
    rows = []
    for article_id, ranked in lists.items():
        choice = choices.get(article_id, Choices())
        for rank, pinned in enumerate(choice.pins):
            rows.append((article_id, pinned, RelatedLink.Kind.PIN, rank, 1.0, False))
        if choice.see_also == RelatedChoice.SeeAlso.CHOSEN and choice.see_also_article:
            rows.append((article_id, choice.see_also_article, RelatedLink.Kind.CHOSEN_SEE_ALSO,
                         0, 1.0, True))
        auto_ok = choice.see_also == RelatedChoice.SeeAlso.AUTO
        for entry in ranked:  # computed entries are read in score order: no rank to keep
            if entry.article_id not in choice.excluded:
                rows.append((article_id, entry.article_id, RelatedLink.Kind.AUTO, 0,
                             entry.score, auto_ok))
    return rows


def _write_lists(lists: dict[int, list[Ranked]], choices: dict[int, Choices]) -> None:
    """Replace the stored links of these articles (a full build: nothing to compare with)."""
    if lists:
        _delete_links(list(lists))
        _insert_links(_link_rows(lists, choices))


def _rewrite_lists(lists: dict[int, list[Ranked]], choices: dict[int, Choices],
                   stored: dict[int, list[tuple]]) -> None:
    """Bring these articles' stored links to their new lists, touching only rows that change.

    A new article usually enters a list and pushes its last entry out: one row inserted and one
    deleted, where deleting and inserting the whole list would rewrite every row and every
    entry of the index by related article (and make SQLite checkpoint its log far oftener)."""
    kept: dict[tuple, tuple] = {}  # (article, related, kind) -> stored row
    deletes = []
    for article_id in lists:
        for row in stored.get(article_id, ()):
            twin = kept.pop((row[1], row[2], row[3]), None)
            if twin is not None:
                deletes.append(twin[0])  # never written twice, but never kept twice either
            kept[(row[1], row[2], row[3])] = row
    inserts, updates = [], []
    for row in _link_rows(lists, choices):
        old = kept.pop((row[0], row[1], row[2]), None)
        if old is None:
            inserts.append(row)
        elif (old[4], old[5], old[6]) != (row[3], row[4], row[5]):
            updates.append((row[3], row[4], row[5], old[0]))
    deletes += [row[0] for row in kept.values()]
    table = _table(RelatedLink)
    with connection.cursor() as cursor:
        for chunk, marks in _in_lists(deletes):
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)
        if updates:
            cursor.executemany(f"UPDATE {table} SET rank = %s, score = %s, see_also_ok = %s "
                               "WHERE id = %s", updates)
    _insert_links(inserts)


def _stored_links(article_ids) -> dict[int, list[tuple]]:
    """The stored rows of these articles' lists:
    (id, article_id, related_id, kind, rank, score, see_also_ok)."""
    ids = sorted(article_ids)
    out: dict[int, list[tuple]] = {a: [] for a in ids}
    with connection.cursor() as cursor:
        for chunk, marks in _in_lists(ids):
            cursor.execute(
                "SELECT id, article_id, related_id, kind, rank, score, see_also_ok FROM "
                f"{_table(RelatedLink)} WHERE article_id IN ({marks})", chunk)
            for row in cursor.fetchall():
                out[row[1]].append((row[0], row[1], row[2], row[3], row[4], row[5],
                                    bool(row[6])))
    return out


# Derived rows are written with plain SQL: the ORM's delete() would fetch every row and send a
# signal for each (other apps listen to every deletion), which costs more than the work itself.
def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _in_lists(values, size: int = 500):
    """`values` in chunks, each with its placeholders for an IN (...) clause (databases limit
    how many parameters one statement takes)."""
    values = list(values)
    for i in range(0, len(values), size):
        chunk = values[i:i + size]
        yield chunk, ", ".join(["%s"] * len(chunk))


def _delete_links(article_ids) -> None:
    for chunk, marks in _in_lists(article_ids):
        _execute(f"DELETE FROM {_table(RelatedLink)} WHERE article_id IN ({marks})", chunk)


def _insert_links(rows) -> None:
    table = _table(RelatedLink)
    sql = (f"INSERT INTO {table} (article_id, related_id, kind, rank, score, see_also_ok) "
           "VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[i:i + 10_000])


_VECTOR_COLUMNS = ["generation", "article_id", "group_id", "language", "published_at", "active",
                   "dense", "signature", "threshold", "seq"]


def _vector_row(generation, article_id, fields) -> tuple:
    fields = {**fields, "generation": generation, "article_id": article_id,
              "published_at": connection.ops.adapt_datetimefield_value(fields["published_at"])}
    return tuple(fields[c] for c in _VECTOR_COLUMNS)


def _insert_vectors(rows) -> None:
    columns = ", ".join(_VECTOR_COLUMNS)
    marks = ", ".join(["%s"] * len(_VECTOR_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_table(ArticleVector)} ({columns}) VALUES ({marks})",
                           rows)


def _threshold(ranked: list[Ranked]) -> float | None:
    return ranked[-1].score if len(ranked) >= stored_count() else None


# -- incremental updates ------------------------------------------------------------------------
def update_articles(article_ids, refill_ids=()) -> None:
    """Bring the index and every affected list up to date after these articles changed.

    `refill_ids`: articles whose lists lost an entry (a deleted article); they are recomputed
    when too short."""
    with _copy_lock:
        try:
            _update_locked(set(article_ids), set(refill_ids))
        except BaseException:
            _copy.generation = -1  # the copy may hold what was rolled back: reload it next time
            raise
    _pages_changed()


def _pages_changed() -> None:
    """Cached pages show related lists: tell the whole-page cache they changed."""
    from masthead.site import page_cache

    page_cache.bump_generation()


def _update_locked(article_ids: set, refill_ids: set) -> None:
    with transaction.atomic():
        state = _state_for_update()
        if _needs_refit(state):
            _write_build(state, _compute_build())
            return
        if state.generation == 0:
            return  # an archive too large to build on a save: `masthead rebuild_related`
        model, index = _synced(state)
        if not model.current:
            log.warning("related articles: the index was built by an older Masthead and is "
                        "left as it is; run `masthead rebuild-related`")
            return
        now = timezone.now().timestamp()
        texts = texts_of(article_ids)
        changed_vectors = []
        for article_id in sorted(article_ids):
            if article_id in texts:
                t = texts[article_id]
                vectors = model.transform(count_terms([t.text]), [t.text])
                stored_before = article_id in index.row_of  # the copy holds every stored row
                row = index.put(t.member, vectors.dense[0], *_signature_arrays(vectors, 0))
                changed_vectors.append((article_id, vectors, row, stored_before))
            elif article_id in index.row_of:
                index.deactivate(article_id)

        recompute: set[int] = set()
        merges: dict[int, dict[int, float]] = {}
        for article_id, _vectors, row, _stored_before in changed_vectors:
            group = int(index.group[row])
            recompute |= {int(index.ids[r]) for r in index.members_of.get(group, ())}
            recompute.add(article_id)
            for entry in index.lists_to_enter(article_id, now):
                merges.setdefault(entry.article_id, {})[article_id] = entry.score
        # Lists that hold a changed article: its score there changes, or it leaves them.
        holders: dict[int, list[int]] = {}
        for holder, related in RelatedLink.objects.filter(
                related_id__in=article_ids, kind=RelatedLink.Kind.AUTO
        ).order_by().values_list("article_id", "related_id"):
            holders.setdefault(related, []).append(holder)
        for related, lists_holding in holders.items():
            scores = index.score_between(related, lists_holding, now) if related in texts else {}
            for holder in lists_holding:
                merges.setdefault(holder, {})[related] = scores.get(holder)
        # Articles that are no longer indexable keep no list of their own.
        gone = article_ids - set(texts)
        if gone:
            _delete_links(gone)
        # A draft's choices changed, or a live article's: its own list is redone anyway.
        recompute |= {a for a in set(refill_ids) if a in index.row_of
                      and index.active[index.row_of[a]]}
        for a in list(merges):
            if a in gone or a not in index.row_of or not index.active[index.row_of[a]]:
                merges.pop(a)

        all_ids = recompute | set(merges)
        choices = load_choices(all_ids)
        stored = _stored_links(all_ids)
        live = int(index.active[: index.n].sum())
        lists: dict[int, list[Ranked]] = {}
        for a in set(merges) - recompute:
            scores = {row[2]: row[5] for row in stored[a] if row[3] == RelatedLink.Kind.AUTO}
            for related, score in merges[a].items():
                if score is None:
                    scores.pop(related, None)
                else:
                    scores[related] = score
            by_row = {index.row_of[r]: s for r, s in scores.items() if r in index.row_of}
            excluded = set(choices.get(a, Choices()).excluded)
            ranked = index.assemble(Query(a, excluded), by_row, stored_count(), now)
            if len(ranked) <= shown_count() and live > len(ranked) + 1:
                recompute.add(a)  # lost too many: search afresh
            else:
                lists[a] = ranked
        for a in recompute:
            excluded = set(choices.get(a, Choices()).excluded)
            lists[a] = index.ranked_list(Query(a, excluded), stored_count(), now)
        _rewrite_lists(lists, choices, stored)
        _save_vectors(state, index, changed_vectors, gone, lists)


def _signature_arrays(vectors, row):
    sig = vectors.signature
    lo, hi = sig.indptr[row], sig.indptr[row + 1]
    return sig.indices[lo:hi].astype(np.int32), sig.data[lo:hi].astype(np.float32)


def _save_vectors(state, index, changed_vectors, gone, lists) -> None:
    """Write changed vector rows and thresholds, each with a new `seq` so other processes see it."""
    seq = state.seq
    gen = state.generation
    for article_id, vectors, row, stored_before in changed_vectors:
        seq += 1
        t = lists.get(article_id)
        threshold = _threshold(t) if t is not None else None
        index.threshold[row] = threshold if threshold is not None else -np.inf
        fields = _vector_fields(index, row, vectors, 0, threshold, seq)
        if stored_before:
            ArticleVector.objects.filter(generation=gen, article_id=article_id).update(**fields)
        else:
            _insert_vectors([_vector_row(gen, article_id, fields)])
    for article_id in (a for a in gone if a in index.row_of):
        seq += 1
        ArticleVector.objects.filter(generation=gen, article_id=article_id).update(
            active=False, seq=seq)
    changed = {a for a, _, _, _ in changed_vectors}
    updates = []
    for article_id, ranked in lists.items():
        if article_id in changed:
            continue
        threshold = _threshold(ranked)
        row = index.row_of[article_id]
        value = threshold if threshold is not None else -np.inf
        if index.threshold[row] == np.float32(value):
            continue  # unchanged: other processes need not fetch the row again
        index.threshold[row] = value
        seq += 1
        updates.append((threshold, seq, gen, article_id))
    if updates:
        table = _table(ArticleVector)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET threshold = %s, seq = %s "
                               "WHERE generation = %s AND article_id = %s", updates)
    state.seq = seq
    state.save(update_fields=["seq"])
    _copy.seq = seq


def _vector_fields(index, row, vectors, vrow, threshold, seq) -> dict:
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


def _needs_refit(state: IndexState) -> bool:
    """Small archives refit on a save whenever they have doubled since the last fit: IDF from a
    handful of articles says little. Large ones wait for `masthead rebuild_related`."""
    limit = settings.MASTHEAD_RELATED_AUTO_BUILD_MAX
    outdated = False
    if state.generation:
        model, _index = _synced(state)
        fitted, outdated = model.n_docs, not model.current
        if 2 * max(fitted, 1) > limit and not outdated:
            return False  # doubling would pass the limit: no need to count
    live_count = indexable_articles().count()
    if live_count > limit:
        if state.generation == 0:
            log.warning("related articles: no index yet; run `masthead rebuild_related`")
        return False
    return state.generation == 0 or outdated or live_count >= 2 * max(fitted, 1)


# -- the full build -----------------------------------------------------------------------------
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
    build = _compute_build(progress)
    with _copy_lock:
        try:
            with transaction.atomic():
                _write_build(_state_for_update(), build, progress)
        except BaseException:
            _copy.generation = -1
            raise
    _pages_changed()
    saved_meanwhile = set(Article.objects.filter(modified_at__gte=build.started).values_list(
        "pk", flat=True))
    if saved_meanwhile:
        update_articles(saved_meanwhile)
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


def _compute_build(progress=None) -> Build:
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
        index.put(member, vectors.dense[i], *_signature_arrays(vectors, i))
    choices = load_choices() if members else {}
    excluded = {a: set(c.excluded) for a, c in choices.items()}
    lists = index.all_lists(stored_count(), started.timestamp(), excluded,
                            progress=tell("relating"))
    index.prepare()  # for the updates that follow
    return Build(members, model, vectors, index, lists, choices, started)


def _write_build(state: IndexState, build: Build, progress=None) -> None:
    members, index, lists = build.members, build.index, build.lists
    generation = state.generation + 1
    TextModelBlob.objects.create(generation=generation, n_docs=len(members),
                                 payload=build.model.to_bytes())
    seq = state.seq
    total = 2 * len(members)
    vector_rows = []
    for i, member in enumerate(members):
        seq += 1
        threshold = _threshold(lists.get(member.article_id, []))
        index.threshold[i] = threshold if threshold is not None else -np.inf
        vector_rows.append(_vector_row(generation, member.article_id, _vector_fields(
            index, i, build.vectors, i, threshold, seq)))
        if len(vector_rows) == BATCH or i == len(members) - 1:
            _insert_vectors(vector_rows)
            vector_rows = []
            if progress:
                progress("writing", i + 1, total)
    _execute(f"DELETE FROM {_table(RelatedLink)}")
    items = list(lists.items())
    for i in range(0, len(items), BATCH):
        _write_lists(dict(items[i:i + BATCH]), build.choices)
        if progress:
            progress("writing", len(members) + min(i + BATCH, len(items)), total)
    _execute(f"DELETE FROM {_table(ArticleVector)} WHERE generation <> %s", [generation])
    _execute(f"DELETE FROM {_table(TextModelBlob)} WHERE generation <> %s", [generation])
    state.generation, state.seq = generation, seq
    state.save(update_fields=["generation", "seq"])
    _copy.model, _copy.index = build.model, index
    _copy.generation, _copy.seq = generation, seq
