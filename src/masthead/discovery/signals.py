"""Keep the search index in step with the newsroom: it follows the change seam, after commit.

An editor's save reindexes its articles at once (a rolled-back save never reached the index);
a bulk change (an import, a bulk admin action) reindexes in batches, and one too large to do in
the request that made it goes to a background job. `masthead search_index --rebuild` repairs
anything (a raw SQL load, a job that failed for good).
"""

import logging

from masthead import changes
from masthead.jobs import job
from masthead.newsroom.models import Section

from . import site_search

log = logging.getLogger(__name__)

BATCH = 500
# More articles than this in one change are indexed by a background job, not in the request.
IN_REQUEST_LIMIT = 2000


def reindex_in_batches(article_ids) -> None:
    ids = sorted(article_ids)
    for start in range(0, len(ids), BATCH):
        site_search.reindex(ids[start:start + BATCH])


@job()
def reindex_articles(article_ids: list[int]) -> None:
    """A big change's reindexing, as a background job."""
    reindex_in_batches(article_ids)


@changes.subscriber("search-index")
def follow_changes(changeset: changes.ChangeSet) -> None:
    if changeset.sections:
        # Searching a section finds its subsections' articles: follow a section's new parent.
        for pk, parent_id in Section.objects.filter(pk__in=changeset.sections) \
                .values_list("pk", "parent_id"):
            site_search.move_section(pk, parent_id)
    if not changeset.articles:
        return
    if len(changeset.articles) > IN_REQUEST_LIMIT:
        reindex_articles.enqueue(sorted(changeset.articles))
        return
    reindex_in_batches(changeset.articles)
