"""Approved-comment counts for article cards in lists, without a query per card.

Counts live in Django's cache (shared through Redis when REDIS_URL is set). The article page
stores its count as it renders the thread (it has the comments anyway); the change seam refreshes
the counts of articles whose readable comments changed (approved, edited, hidden, deleted), after
commit and before the page cache hears of it, so a list rendered afresh shows the new count. A
card whose count is not in the cache shows none rather than ask the database.
"""

from django.core.cache import cache
from django.db.models import Count

from masthead import changes
from masthead.newsroom.models import Article

from .models import Comment

KEY = "masthead:comments:count:{}"
BATCH = 500


def _stamp(article) -> str:
    # The article's creation time goes with its count, so a count never outlives the article it
    # was for (a database restored, or rolled back in tests, can hand the same id to another).
    return article.created_at.isoformat() if article.created_at else ""


def remember(article, count: int) -> None:
    cache.set(KEY.format(article.pk), (_stamp(article), count), timeout=None)


def cached(article) -> int | None:
    entry = cache.get(KEY.format(article.pk))
    if not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != _stamp(article):
        return None
    return entry[1]


def forget(article_id: int) -> None:
    cache.delete(KEY.format(article_id))


def refresh(article_ids) -> None:
    """Count these articles' approved comments again: two queries a batch of 500."""
    ids = sorted(set(article_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        counted = dict(Comment.objects.approved().filter(article_id__in=batch)
                       .values_list("article_id").annotate(n=Count("pk")).order_by())
        articles = Article.objects.filter(pk__in=batch).only("pk", "created_at")
        found = set()
        for article in articles:
            remember(article, counted.get(article.pk, 0))
            found.add(article.pk)
        for gone in set(batch) - found:
            forget(gone)


@changes.subscriber("comment-counts")
def follow_comments(changeset: changes.ChangeSet) -> None:
    if changeset.comments:
        refresh(changeset.comments)
