"""Bulk-load courtesy towards the apps that index articles as they are saved.

The site search (masthead.discovery) re-indexes an article on every save and byline change, in the
same transaction: right for an editor's one save, but most of the time of a 10,000-post import.
During an import its two per-article receivers are disconnected and the imported articles are
indexed a batch at a time, still inside the import's transaction, so the result is the same
and a failed import still leaves the index as it was. The related-articles index already batches
its work until the transaction commits, so it is left alone.

Signals are process-wide: this is for the import commands, never for a web process.
"""

from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_save

from masthead.newsroom.models import Article


@contextmanager
def deferred_search_index():
    """Yields index(ids): call it with the pks of the articles written (the importer does, batch
    by batch, so nothing grows with the archive); they are indexed then and there."""
    try:
        from masthead.discovery import signals as search_signals
        from masthead.discovery import site_search
    except ImportError:  # a build without site search
        yield lambda ids: None
        return
    receivers = [
        (post_save, search_signals.index_saved_article, Article, "discovery-index-article"),
        (m2m_changed, search_signals.index_new_bylines, Article.authors.through,
         "discovery-index-bylines"),
    ]
    # disconnect() says whether it found the receiver; one it did not find keeps working as is.
    disconnected = [r for r in receivers if r[0].disconnect(r[1], sender=r[2], dispatch_uid=r[3])]

    def index(ids) -> None:
        if disconnected and ids:
            site_search.reindex(sorted(ids))

    try:
        yield index
    finally:
        for signal, receiver, sender, uid in disconnected:
            signal.connect(receiver, sender=sender, dispatch_uid=uid)
