"""Imports announce through the change seam in its bulk mode.

Inside the block every announcement (the articles the importer writes, by save() or
bulk_create(), and the ones whose tags and bylines it links in bulk) is gathered into one bulk
ChangeSet, delivered once after the import's transaction commits: the search index then indexes
in batches (a background job for a big set), the page cache refreshes once, and a failed or dry
run announces nothing.
"""

from contextlib import contextmanager

from masthead import changes


@contextmanager
def deferred_search_index():
    """Yields index(ids): call it with the pks of the articles written, batch by batch (their
    tags and bylines are written with bulk_create, which no model signal reports)."""
    with changes.bulk():
        yield lambda ids: changes.announce(articles=ids)
