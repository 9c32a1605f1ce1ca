"""A whole-page cache for anonymous readers, as WP Super Cache gives WordPress.

Public pages are the same bytes for every anonymous reader, so a rendered page can be kept and
served again until something changes:

- any content saved or deleted (articles, pages, sections, comments, snippets, related lists...)
  bumps a *generation*, and pages cached under an older generation are not served;
- a page is never kept past the next scheduled release or breaking-banner expiry, so scheduled
  articles still appear on their own at their time, with no cron job and no stale page;
- MASTHEAD_PAGE_CACHE_SECONDS bounds everything else (default 300; 0 turns the cache off).

The generation must be the same for every server process. With Redis as the cache it lives there;
with the default per-process memory cache it is a file's modification time in the data dir, which
every process on the machine sees.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

GENERATION_KEY = "masthead:page-generation"
GENERATION_FILE = "page-generation"

# Saving these changes nothing a reader sees.
IGNORED_MODELS = {
    "sessions.session", "admin.logentry", "contenttypes.contenttype", "auth.permission",
    "auth.user", "auth.group",
}


# Only pages and feeds: JSON answers (the API, per-visitor state) have their own rules.
CACHED_CONTENT_TYPES = ("text/html", "application/rss+xml", "application/atom+xml",
                        "application/xml", "text/xml", "text/plain")


def _shared_cache() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def _generation_file() -> Path:
    return Path(settings.DATA_DIR) / GENERATION_FILE


def current_generation():
    if _shared_cache():
        return cache.get(GENERATION_KEY, 0)
    try:
        return _generation_file().stat().st_mtime_ns
    except OSError:
        return 0


def bump_generation(**kwargs) -> None:
    sender = kwargs.get("sender")
    if sender is not None and sender._meta.label_lower in IGNORED_MODELS:
        return
    if _shared_cache():
        cache.set(GENERATION_KEY, time.time_ns(), None)
        return
    path = _generation_file()
    try:
        path.touch()
        now = time.time_ns()  # set it outright: some file systems keep coarse mtimes
        os.utime(path, ns=(now, now))
    except OSError:
        pass  # no data dir (tests without one): the TTL still bounds staleness


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(bump_generation, dispatch_uid=f"masthead-page-cache-{signal!r}")


def _next_change_at(now):
    """The next moment a page may change by time alone: a release or a banner expiring."""
    from masthead.newsroom.models import Article

    release = (Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
               .order_by("published_at").values_list("published_at", flat=True).first())
    expiry = (Article.objects.filter(breaking_until__gt=now).order_by("breaking_until")
              .values_list("breaking_until", flat=True).first())
    times = [t for t in (release, expiry) if t is not None]
    return min(times).timestamp() if times else None


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.MASTHEAD_PAGE_CACHE_SECONDS > 0
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(settings.MASTHEAD_PAGE_CACHE_SKIP_PREFIXES)
    )


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not response.has_header("Vary")
        and response.get("Content-Type", "").startswith(CACHED_CONTENT_TYPES)
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # The scheme is part of the page (canonical links, secure cookies): never serve a page
        # rendered for https:// to http:// or back.
        key = f"masthead:page:{request.scheme}://{request.get_host()}{request.get_full_path()}"
        generation = current_generation()
        entry = cache.get(key)
        if entry and entry["generation"] == generation and time.time() < entry["valid_until"]:
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"]:
                response[name] = value
            response["X-Masthead-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            now = time.time()
            valid_until = now + settings.MASTHEAD_PAGE_CACHE_SECONDS
            next_change = _next_change_at(timezone.now())
            if next_change is not None:
                valid_until = min(valid_until, next_change)
            cache.set(key, {
                "generation": generation, "valid_until": valid_until,
                "content": response.content, "headers": list(response.items()),
            }, timeout=max(1, int(valid_until - now) + 1))
            response["X-Masthead-Cache"] = "miss"
        return response
