"""A whole-page cache for anonymous readers, as WP Super Cache gives WordPress, invalidated exactly.

Public pages are the same bytes for every anonymous reader, so a rendered page can be kept and
served again until something *it shows* changes:

- while a page renders, the change seam records what it shows (`changes.recording()`): every
  article, tag and author row it loads, and what views and template tags declare with
  `changes.shows()` (an article's approved comments, its related list). Every page also shows the
  site-wide furniture (`site`: settings, navigation, footer pages, consent configuration) and the
  breaking banner (`breaking`), and, unless it says `changes.shows(lists=False)`, article lists
  (`lists`), whose membership any article, tag or author change may alter;
- each such dependency has a *generation* in a store every server process shares; the page keeps
  the generations it was rendered under and is served only while they are all unchanged;
- the change seam tells `invalidate()` what changed, after commit and after the data stores
  (comment counts, search) have updated, and it bumps just those generations: an approved
  comment bumps `comments:<article>`, which only its article's page and the lists showing its
  count recorded. Saves that change nothing a reader sees (consent choices, spam and held
  comments, spam-model versions, sessions, logins, job results) never announce, so bump nothing;
- a page is never kept past the next scheduled release or breaking-banner expiry, so scheduled
  articles still appear on their own at their time, with no cron job and no stale page;
- MASTHEAD_PAGE_CACHE_SECONDS bounds everything else (default 300; 0 turns the cache off).

The generations must be the same for every server process. With Redis as the cache they are keys
there; with the default per-process memory cache they are modification times of small files in
the data dir (`page-cache-tags/`, per-object ones spread over 1024 files a kind, so a change to
one article may also refresh the pages of the few others sharing its file), which every process
on the machine sees.
"""

import logging
import os
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.utils import timezone

from masthead import changes

log = logging.getLogger(__name__)

TAG_KEY = "masthead:page-tag:{}"
TAG_DIR = "page-cache-tags"
FILE_BUCKETS = 1024
# Changed on every invalidation, before the dependencies' own generations: a page whose render
# overlapped an invalidation is not stored (it may hold what was just replaced).
EPOCH = "epoch"
SITE, BREAKING = "site", "breaking"
ON_EVERY_PAGE = (SITE, BREAKING)
# A bulk change this large (an import) refreshes every page instead of thousands of dependencies.
BULK_LIMIT = 500

# Only pages and feeds: JSON answers (the API, per-visitor state) have their own rules.
CACHED_CONTENT_TYPES = ("text/html", "application/rss+xml", "application/atom+xml",
                        "application/xml", "text/xml", "text/plain")


# -- generations ---------------------------------------------------------------------------------

def _shared_cache() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def _tag_file(name: str) -> Path:
    kind, _, pk = name.partition(":")
    if pk:  # bounded: one file per bucket, not per article ever edited
        name = f"{kind}.{zlib.crc32(pk.encode()) % FILE_BUCKETS}"
    return Path(settings.DATA_DIR) / TAG_DIR / name


def _key_timeout() -> int:
    # A generation key must outlive every page cached before it changed; then it may go.
    return max(3600, 2 * settings.MASTHEAD_PAGE_CACHE_SECONDS)


def generations(names) -> dict:
    """The current generation of each dependency (None or 0 when it never changed)."""
    names = list(names)
    if _shared_cache():
        found = cache.get_many([TAG_KEY.format(n) for n in names])
        return {n: found.get(TAG_KEY.format(n)) for n in names}
    out = {}
    for name in names:
        try:
            out[name] = _tag_file(name).stat().st_mtime_ns
        except OSError:
            out[name] = 0
    return out


def bump(names) -> None:
    """Give these dependencies new generations: every page that recorded one is stale."""
    names = sorted(set(names))
    if not names:
        return
    now = time.time_ns()
    if _shared_cache():
        cache.set(TAG_KEY.format(EPOCH), now, None)
        cache.set_many({TAG_KEY.format(n): now for n in names}, _key_timeout())
        return
    paths = [_tag_file(EPOCH)] + sorted({_tag_file(n) for n in names})
    try:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        for path in paths:
            path.touch()
            os.utime(path, ns=(now, now))  # set it outright: some file systems keep coarse mtimes
    except OSError:
        log.warning("page cache: cannot write %s; pages may stay up to "
                    "MASTHEAD_PAGE_CACHE_SECONDS old", paths[0].parent)


def invalidate_everything() -> None:
    bump([SITE])



def dependencies_of(changeset: changes.ChangeSet) -> set[str]:
    """What a change makes stale, in the words pages record."""
    if changeset.site:
        return {SITE}
    if changeset.bulk and sum(len(getattr(changeset, k)) for k in changes.KINDS) > BULK_LIMIT:
        return {SITE}
    # Sections are every page's navigation, pages its footer: both are site-wide furniture.
    if changeset.sections or changeset.pages:
        return {SITE}
    stale = set()
    for kind in ("articles", "tags", "authors", "comments", "related"):
        stale.update(changes.tag(kind, pk) for pk in getattr(changeset, kind))
    if changeset.articles or changeset.tags or changeset.authors:
        stale.add(changes.LISTS)
    if changeset.articles and _touches_banner(changeset.articles):
        stale.add(BREAKING)
    return stale


def _touches_banner(article_ids) -> bool:
    # A banner newly set (or moved to this article) shows on pages that never loaded it. A banner
    # removed is covered by the article itself, which every page showing it loaded.
    from masthead.newsroom.models import Article

    return Article.objects.filter(pk__in=list(article_ids), breaking_until__isnull=False).exists()


@changes.subscriber("page-cache", stage="output")
def invalidate(changeset: changes.ChangeSet) -> None:
    bump(dependencies_of(changeset))


# -- serving -------------------------------------------------------------------------------------

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


def page_dependencies(shown: set[str]) -> set[str]:
    """What a page depends on, from what its render recorded."""
    depends = set(shown) | set(ON_EVERY_PAGE)
    if changes.NO_LISTS in depends:
        depends.discard(changes.NO_LISTS)
    else:
        depends.add(changes.LISTS)
    if changes.LISTS in depends:
        # Every change to an article, tag or author bumps `lists`: no need to watch each one.
        depends = {d for d in depends if not d.startswith(("articles:", "tags:", "authors:"))}
    return depends


def cache_key(request) -> str:
    # The scheme is part of the page (canonical links, secure cookies): never serve a page
    # rendered for https:// to http:// or back.
    return f"masthead:page:{request.scheme}://{request.get_host()}{request.get_full_path()}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request)
        entry = cache.get(key)
        if (entry and time.time() < entry["valid_until"]
                and generations(entry["depends"]) == entry["depends"]):
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"]:
                response[name] = value
            response["X-Masthead-Cache"] = "hit"
            return response

        epoch = generations([EPOCH])[EPOCH]
        with changes.recording() as shown:
            response = self.get_response(request)
            if _cacheable_response(response) and hasattr(response, "render") \
                    and not response.is_rendered:
                response.render()
        if _cacheable_response(response):
            depends = generations(page_dependencies(shown) | {EPOCH})
            if depends.pop(EPOCH) == epoch:  # else something changed while this page rendered
                self._store(key, response, depends)
            response["X-Masthead-Cache"] = "miss"
        return response

    @staticmethod
    def _store(key, response, depends) -> None:
        now = time.time()
        valid_until = now + settings.MASTHEAD_PAGE_CACHE_SECONDS
        next_change = _next_change_at(timezone.now())
        if next_change is not None:
            valid_until = min(valid_until, next_change)
        cache.set(key, {
            "depends": depends, "valid_until": valid_until,
            "content": response.content, "headers": list(response.items()),
        }, timeout=max(1, int(valid_until - now) + 1))
