"""The one change seam: "these articles, sections, tags, authors, pages, comments changed".

Every path that changes what a reader can see (an editor's save, an import, a bulk admin action,
a `QuerySet.update()`, a moderator approving a comment) *announces* what it changed; after the
transaction commits, every derived store (page cache, search index, related lists, feeds and
sitemaps, API ETags) receives one merged `ChangeSet` through `content_changed` and updates itself.
A rolled-back transaction announces nothing. Saves that change nothing a reader sees (consent
choices, spam and pending comments, model versions, sessions, logins) never announce.

    from masthead import changes
    changes.announce(articles=[article.pk])          # inside or outside a transaction

    @changes.subscriber("search-index")
    def follow(changeset):                          # after commit, once per transaction
        ...

Bulk work (imports, rebuilds) wraps itself in `changes.bulk()`: announcements inside are merged
into one ChangeSet with `bulk=True`, delivered when the block ends (after its commit), so each
store can do one batch update instead of thousands of small ones.

Announcing is declared once per model, in its app's `AppConfig.ready()`:

    changes.follow(Article, lambda a: {"articles": [a.pk, a.translation_of_id]}, remember=True)

and every save, delete and many-to-many change of it announces `describe(row)` (with
`remember=True`, also what the row described when it was loaded: an article that moves away from
a translation still tells its old original). `QuerySet.update()`, `bulk_create()` and
`bulk_update()` skip model signals, so content querysets derive from `AnnouncingQuerySet`, which
announces the rows they write the same way (`QuerySet.delete()` sends the model's signals itself).

What a rendered page shows is recorded in the same words, so a cache can keep each page until
one of *its* things changes (see site/page_cache.py):

    with changes.recording() as shown:             # the page cache, around a render
        ...                                        # rows loaded, changes.shows(comments=[pk])
    shown  # {"articles:12", "comments:12", "lists", ...}

Subscribers come in two stages: data stores (search index, comment counts, related lists) hear a
change first, then caches of rendered output (`stage="output"`: the page cache) that read those
stores, so a page re-rendered after its invalidation never shows a store's stale value.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import Signal

log = logging.getLogger(__name__)

# Receivers get `changeset=ChangeSet(...)`, after commit: data stores first, then caches of
# rendered output (which read the stores).
content_changed = Signal()
output_changed = Signal()
STAGES = {"store": content_changed, "output": output_changed}

KINDS = ("articles", "sections", "tags", "authors", "pages", "comments", "related")


@dataclass(frozen=True)
class ChangeSet:
    """What changed, by primary key. `comments` holds the ids of *articles* whose readable
    comments changed (a comment approved, edited or removed from view); `related` the ids of
    articles whose stored related lists changed; `site` a site-wide change (settings, snippets,
    consent configuration) that every page may show."""

    articles: frozenset[int] = frozenset()
    sections: frozenset[int] = frozenset()
    tags: frozenset[int] = frozenset()
    authors: frozenset[int] = frozenset()
    pages: frozenset[int] = frozenset()
    comments: frozenset[int] = frozenset()
    related: frozenset[int] = frozenset()
    site: bool = False
    bulk: bool = False

    def __bool__(self) -> bool:
        return self.site or any(getattr(self, kind) for kind in KINDS)

    def merged(self, other: ChangeSet) -> ChangeSet:
        values = {kind: getattr(self, kind) | getattr(other, kind) for kind in KINDS}
        return ChangeSet(**values, site=self.site or other.site, bulk=self.bulk or other.bulk)

    def only(self, *kinds: str) -> ChangeSet:
        """The same changes restricted to `kinds` (site-wide and bulk flags kept)."""
        return ChangeSet(**{k: getattr(self, k) for k in kinds}, site=self.site, bulk=self.bulk)

    def as_dict(self) -> dict:
        """JSON-friendly form, for jobs that carry a ChangeSet to a worker."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = sorted(value) if isinstance(value, frozenset) else value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> ChangeSet:
        values = {}
        for f in fields(cls):
            if f.name in data:
                value = data[f.name]
                values[f.name] = frozenset(int(v) for v in value) if f.name in KINDS else bool(value)
        return cls(**values)


@dataclass
class _Buffer:
    """Announcements waiting for their transaction to commit (or their bulk block to end)."""

    pending: ChangeSet = field(default_factory=ChangeSet)
    callback: Callable | None = None  # the on_commit callback that will deliver `pending`
    bulk: ChangeSet = field(default_factory=ChangeSet)
    bulk_depth: int = 0
    discarding: int = 0


_local = threading.local()


def _buffer() -> _Buffer:
    buffer = getattr(_local, "buffer", None)
    if buffer is None:
        buffer = _local.buffer = _Buffer()
    return buffer


def _in_transaction(connection) -> bool:
    """Inside a transaction that will commit. Under Django's TestCase (pytest-django's `db`) the
    outermost block is the test's own, which never commits: there changes are delivered at once,
    so tests see stores follow every write; tests of commit and rollback behaviour use
    `django_db(transaction=True)`, where the real rules apply."""
    return connection.in_atomic_block and not (
        connection.atomic_blocks and getattr(connection.atomic_blocks[0], "_from_testcase", False))


def _ids(values: Iterable | None) -> frozenset[int]:
    return frozenset(int(v) for v in (values or ()) if v is not None)


def announce(*, articles=(), sections=(), tags=(), authors=(), pages=(), comments=(),
             related=(), site: bool = False, using: str = "default") -> None:
    """Say what changed. Delivered once after the current transaction commits (at once when
    there is none); inside `bulk()`, when the bulk block ends."""
    change = ChangeSet(
        articles=_ids(articles), sections=_ids(sections), tags=_ids(tags),
        authors=_ids(authors), pages=_ids(pages), comments=_ids(comments),
        related=_ids(related), site=site,
    )
    if not change:
        return
    buffer = _buffer()
    if buffer.discarding:
        return
    if buffer.bulk_depth:
        buffer.bulk = buffer.bulk.merged(change)
        return
    connection = transaction.get_connection(using)
    if not _in_transaction(connection):
        send(change)
        return
    # One delivery per transaction: merge into the callback already waiting for this commit.
    # A rollback drops Django's callback (and so what it would have delivered); finding ours
    # gone from the connection's list means the pending changes died with it.
    waiting = buffer.callback is not None and any(
        func is buffer.callback for _sids, func, _robust in connection.run_on_commit)
    if waiting:
        buffer.pending = buffer.pending.merged(change)
        return
    buffer.pending = change

    def deliver():
        if buffer.callback is deliver:
            changeset, buffer.pending, buffer.callback = buffer.pending, ChangeSet(), None
            if changeset:
                send(changeset)

    buffer.callback = deliver
    transaction.on_commit(deliver, using=using)


def send(changeset: ChangeSet) -> None:
    """Deliver a ChangeSet to every subscriber now (the seam calls this after commit). A failing
    subscriber is logged and never turns a committed save into an error page."""
    for signal in (content_changed, output_changed):
        for receiver, result in signal.send_robust(sender=ChangeSet, changeset=changeset):
            if isinstance(result, Exception):
                log.error("change seam: %s failed on %r",
                          getattr(receiver, "__qualname__", receiver), changeset,
                          exc_info=result)


@contextmanager
def bulk(using: str = "default"):
    """Gather every announcement in this block into one ChangeSet with `bulk=True`, delivered
    after the block's work commits (imports, bulk admin actions, rebuilds). Nested blocks
    deliver once, at the outermost end; an exception inside delivers nothing."""
    buffer = _buffer()
    buffer.bulk_depth += 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        buffer.bulk_depth -= 1
        if buffer.bulk_depth == 0:
            gathered, buffer.bulk = buffer.bulk, ChangeSet()
            if gathered and not failed:
                change = ChangeSet(**{k: getattr(gathered, k) for k in KINDS},
                                   site=gathered.site, bulk=True)
                if _in_transaction(transaction.get_connection(using)):
                    transaction.on_commit(lambda: send(change), using=using)
                else:
                    send(change)


@contextmanager
def discarded():
    """Announcements in this block are dropped (for code that rebuilds a store wholesale and
    announces the result itself)."""
    buffer = _buffer()
    buffer.discarding += 1
    try:
        yield
    finally:
        buffer.discarding -= 1


def subscriber(uid: str, *, stage: str = "store") -> Callable:
    """Decorator: connect `fn(changeset)` to the seam under a unique name. `stage="output"` for
    caches of rendered pages, which must hear a change after the data stores they read."""
    signal = STAGES[stage]

    def connect(fn: Callable[[ChangeSet], None]) -> Callable[[ChangeSet], None]:
        def receive(sender, changeset, **kwargs):
            fn(changeset)

        receive.__qualname__ = fn.__qualname__
        fn._seam_receiver = receive  # the signal keeps a weak reference otherwise
        signal.connect(receive, dispatch_uid=f"masthead-change-{uid}", weak=False)
        return fn

    return connect


# -- announcing: model rows ------------------------------------------------------------------------

Describe = Callable[[models.Model], "dict | None"]
_followed: dict[type, Describe] = {}
_unseen: dict[type, frozenset[str]] = {}


def _unseen_only(model, field_names) -> bool:
    """A write of only fields no reader sees (a comment's spam score, its author's IP)."""
    return bool(field_names) and set(field_names) <= _unseen.get(model, frozenset())


def _merge(*announcements: dict | None) -> dict:
    out: dict = {}
    for one in announcements:
        for key, value in (one or {}).items():
            if key == "site":
                out["site"] = out.get("site", False) or bool(value)
            else:
                out.setdefault(key, set()).update(v for v in value if v is not None)
    return out


def follow(model: type[models.Model], describe: Describe, *, remember: bool = False,
           unseen: Iterable[str] = ()) -> None:
    """Announce what every save, delete and many-to-many change of `model` shows readers.

    `describe(row)` returns announce() keywords for one row (None or {}: nothing a reader sees,
    e.g. a comment held for moderation). It must read only loaded fields (`row.__dict__`), never
    fetch a deferred one. With `remember=True` the description of the row as it was loaded is
    announced too (a comment leaving public view, an article leaving a translation). A save or
    `update()` of only `unseen` fields announces nothing."""
    _followed[model] = describe
    _unseen[model] = frozenset(unseen)
    uid = f"masthead-seam-{model._meta.label_lower}"

    def saved(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or _unseen_only(model, update_fields or ()):
            return  # raw: fixtures load rows as they are; rebuild commands follow them
        now = describe(instance)
        before = getattr(instance, "_seam_loaded", None) if remember else None
        announce(**_merge(before, now))
        if remember:
            instance._seam_loaded = now

    def deleted(sender, instance, **kwargs):
        announce(**_merge(getattr(instance, "_seam_loaded", None) if remember else None,
                          describe(instance)))

    post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(deleted, sender=model, dispatch_uid=uid, weak=False)
    if remember:
        def loaded(sender, instance, **kwargs):
            if instance.pk is not None:
                instance._seam_loaded = describe(instance)

        post_init.connect(loaded, sender=model, dispatch_uid=uid, weak=False)
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(_m2m_receiver(model, field), sender=field.remote_field.through,
                            dispatch_uid=f"{uid}-{field.name}", weak=False)


def _m2m_receiver(model, field):
    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if reverse and action == "pre_clear":
            # tag.articles.clear(): afterwards, which rows lost the link is no longer known.
            instance._seam_cleared = list(model._default_manager.filter(
                **{field.name: instance}).values_list("pk", flat=True))
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if not reverse:
            announce(**_merge(_followed[model](instance)))
            return
        pks = (getattr(instance, "_seam_cleared", []) if action == "post_clear"
               else list(pk_set or ()))
        if pks:
            model._default_manager.filter(pk__in=pks).announce()

    return changed


# -- announcing: QuerySet writes that skip model signals -----------------------------------------

class AnnouncingQuerySet(models.QuerySet):
    """`update()`, `bulk_create()` and `bulk_update()` announce the rows they write, described
    as `follow()` describes them (override `announcement()` for a cheaper set-wise form)."""

    kind: str | None = None  # "sections", ...: these rows are announced by primary key

    def announcement(self) -> dict:
        """What these rows show readers, as announce() keywords: their primary keys under `kind`,
        else each row described by the model's `follow()` description."""
        if self.kind:
            return {self.kind: list(self.values_list("pk", flat=True))}
        describe = _followed.get(self.model)
        if describe is None:
            return {}
        return _merge(*(describe(row) for row in self))

    def announce(self) -> None:
        announce(**self.announcement())

    def update(self, **kwargs):
        if self.model not in _followed or _unseen_only(self.model, kwargs):
            return super().update(**kwargs)
        # What the rows showed before and after: a comment leaving view, an article leaving a
        # translation. Announced once, after the write (delivered after its commit).
        pks = list(self.values_list("pk", flat=True))
        rows = self.model._default_manager.db_manager(self.db).filter(pk__in=pks)
        before = rows.announcement() if pks else {}
        done = super().update(**kwargs)
        if pks:
            announce(**_merge(before, rows.announcement()), using=self.db)
        return done

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        describe = _followed.get(self.model)
        if describe is not None:
            if all(obj.pk is not None for obj in created):
                announce(**_merge(*(describe(obj) for obj in created)), using=self.db)
            elif created:
                announce(site=True, using=self.db)  # no ids back from the database: say "anything may differ"
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        describe = _followed.get(self.model)
        if describe is None or not objs or _unseen_only(self.model, fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        rows = self.model._default_manager.db_manager(self.db).filter(
            pk__in=[obj.pk for obj in objs])
        before = rows.announcement()
        done = super().bulk_update(objs, fields, *args, **kwargs)
        announce(**_merge(before, rows.announcement()), using=self.db)
        return done



# -- recording what a rendering shows ----------------------------------------------------------

_shown: ContextVar[set | None] = ContextVar("masthead_shown", default=None)
LISTS = "lists"  # the membership and order of article lists: any article, tag or author change
NO_LISTS = "no-lists"


def tag(kind: str, pk) -> str:
    return f"{kind}:{pk}"


@contextmanager
def recording():
    """Collect what the code inside shows readers: the rows of followed models it loads (an
    article, a tag, an author) and what it declares with `shows()`."""
    token = _shown.set(set())
    try:
        yield _shown.get()
    finally:
        _shown.reset(token)


def is_recording() -> bool:
    return _shown.get() is not None


def shows(*, lists: bool | None = None, **kinds: Iterable) -> None:
    """Declare, while rendering, what the page shows beyond the rows it loads: e.g. an
    article's approved comments (`comments=[article.pk]`), its related list. `lists=False`
    says the page shows no list whose membership any article change may alter (an article
    page, a static page), so adding one article elsewhere leaves it cached."""
    shown = _shown.get()
    if shown is None:
        return
    for kind, pks in kinds.items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind of change: {kind}")
        shown.update(tag(kind, pk) for pk in pks if pk is not None)
    if lists is True:
        shown.add(LISTS)
    elif lists is False:
        shown.add(NO_LISTS)


def record_loaded(model: type[models.Model], kind: str) -> None:
    """Every row of `model` loaded while recording is something the page shows."""

    def loaded(sender, instance, **kwargs):
        shown = _shown.get()
        if shown is not None and instance.pk is not None:
            shown.add(tag(kind, instance.pk))

    post_init.connect(loaded, sender=model, weak=False,
                      dispatch_uid=f"masthead-shown-{model._meta.label_lower}")
