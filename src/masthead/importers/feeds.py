"""`masthead import-feed`: take the items of an RSS or Atom feed as draft articles.

Syndication desks republish news from elsewhere with "Source of information": each item becomes a
draft in the chosen section with its source name, source URL and original date filled in, for an
editor to check, translate or rewrite before publishing. Items already taken (by their id, or by
their link) are skipped, so the command can run from cron.
"""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from django.db import transaction

from masthead.newsroom.models import LANGUAGE_NAMES, Article, Revision, Section
from masthead.site.safe_urls import safe_url

from .bodies import body_from_wordpress
from .content import plain_text
from .media import fetch
from .models import SyndicatedItem


class FeedError(Exception):
    """The feed cannot be read; the message is for the user as it is."""


@dataclass
class FeedSummary:
    source_name: str = ""
    taken: int = 0
    skipped: int = 0
    warnings: list = field(default_factory=list)
    dry_run: bool = False


def load_feed(source: str, timeout: float = 20) -> feedparser.FeedParserDict:
    """Parse the feed at a URL or in a file; raises FeedError with a one-line reason."""
    if urlsplit(source).scheme in {"http", "https"}:
        try:
            data = fetch(source, timeout)
        except OSError as exc:
            raise FeedError(f"cannot fetch {source}: {exc}") from None
    else:
        path = Path(source)
        if not path.is_file():
            raise FeedError(f"{source}: no such file")
        data = path.read_bytes()
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"{source}: not an RSS or Atom feed" + (f" ({reason})" if reason else ""))
    return parsed


def _date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _content(entry) -> str:
    if entry.get("content"):
        return max((c.get("value", "") for c in entry.content), key=len)
    return entry.get("summary", "")


def entry_key(entry) -> str:
    return (entry.get("id") or entry.get("link") or
            f"{entry.get('title', '')}@{entry.get('published', '')}")[:500]


def import_feed(source: str, section: Section, *, source_name: str = "", dry_run: bool = False,
                progress=None) -> FeedSummary:
    parsed = load_feed(source)
    feed = parsed.feed
    name = source_name or plain_text(feed.get("title", ""), 200) or urlsplit(
        feed.get("link", "") or source).netloc
    language = (feed.get("language") or "").split("-")[0].lower()
    summary = FeedSummary(source_name=name, dry_run=dry_run)
    advance = progress or (lambda n=1: None)
    with transaction.atomic():
        for entry in parsed.entries:
            advance(1)
            key = entry_key(entry)
            link = safe_url(entry.get("link"))  # the site's one URL check: it becomes a link
            if len(link) > 500:
                link = ""
            taken = SyndicatedItem.objects.filter(guid=key).exists() or (
                link and Article.objects.filter(source_url=link).exists())
            if taken:
                summary.skipped += 1
                continue
            title = plain_text(entry.get("title", ""), 300)
            if not title:
                summary.warnings.append(f"an item with no title ({link or key}) was skipped")
                summary.skipped += 1
                continue
            summary.taken += 1
            if dry_run:
                continue
            content = _content(entry)
            article = Article.objects.create(
                title=title, status=Article.Status.DRAFT, section=section,
                body=body_from_wordpress(content),
                dek=plain_text(entry.get("summary", ""), 500) if entry.get("content") else "",
                source_name=name, source_url=link, source_published_at=_date(entry),
                source_language=language if language in LANGUAGE_NAMES else "",
            )
            Revision.snapshot(article)
            SyndicatedItem.objects.create(guid=key, feed=source[:1000], article=article)
    return summary
