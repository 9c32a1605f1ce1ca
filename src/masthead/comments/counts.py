"""Approved-comment counts for article cards in lists, without a query per card.

Counts live in Django's cache (shared through Redis when REDIS_URL is set). The article page
stores its count as it renders the thread (it has the comments anyway); moderation and new
comments refresh it; any other change to a comment just forgets it. A card whose count is not
in the cache shows none rather than ask the database.
"""

from django.core.cache import cache

from .models import Comment

KEY = "masthead:comments:count:{}"


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


def refresh(articles) -> None:
    for article in {a.pk: a for a in articles}.values():
        remember(article, Comment.objects.approved().filter(article=article).count())


def forget_on_change(sender, instance, **kwargs) -> None:
    forget(instance.article_id)
