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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# Receivers get `changeset=ChangeSet(...)`, after commit.
content_changed = Signal()

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
    if not connection.in_atomic_block:
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
    for receiver, result in content_changed.send_robust(sender=ChangeSet, changeset=changeset):
        if isinstance(result, Exception):
            log.error("change seam: %s failed on %r", getattr(receiver, "__qualname__", receiver),
                      changeset, exc_info=result)


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
                if transaction.get_connection(using).in_atomic_block:
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


def subscriber(uid: str) -> Callable:
    """Decorator: connect `fn(changeset)` to the seam under a unique name."""

    def connect(fn: Callable[[ChangeSet], None]) -> Callable[[ChangeSet], None]:
        def receive(sender, changeset, **kwargs):
            fn(changeset)

        receive.__qualname__ = fn.__qualname__
        fn._seam_receiver = receive  # the signal keeps a weak reference otherwise
        content_changed.connect(receive, dispatch_uid=f"masthead-change-{uid}", weak=False)
        return fn

    return connect
