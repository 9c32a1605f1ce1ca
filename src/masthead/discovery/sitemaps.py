"""Sitemaps for search engines: an index of paged sitemaps (articles, sections, tags, authors,
pages), each URL with its last modification and, for articles, the featured image; and a Google
News sitemap of the last 48 hours' articles.

Built on django.contrib.sitemaps' classes. A page holds URLS_PER_SITEMAP addresses (Yoast's
1,000, not the protocol's 50,000) and is written as plain strings, not through the template
engine, so any page of a large archive costs a few milliseconds. Absolute URLs use
MASTHEAD_BASE_URL when it is set.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite as _RequestSite
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from masthead.newsroom.models import Article, Author, Page, Section, Tag, live_q
from masthead.site.context import current_site
from masthead.site.structured_data import absolute

URLS_PER_SITEMAP = 1_000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most this many URLs from one news sitemap


class MastheadSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def get_protocol(self, protocol=None):
        if settings.BASE_URL:
            return urlsplit(settings.BASE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.BASE_URL:
            return urlsplit(settings.BASE_URL).netloc
        return super().get_domain(site)

    def images(self, item) -> list[str]:
        """Image URLs (absolute or root-relative) shown on the item's page."""
        return []

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            url["images"] = [src if "://" in src else base + src
                             for src in self.images(url["item"])]
        return urls

    def latest_lastmod(self):
        """The newest lastmod of the whole sitemap, in one query (Django's default would walk
        every item)."""
        return

    def get_latest_lastmod(self):
        return self.latest_lastmod()


def article_path_maker():
    """A function (local release time, slug) -> the article's address, derived once from the
    URLconf: reverse() for each of a thousand entries would cost more than the rest of the page."""
    sample = reverse("site:article", args=["1999", "12", "31", "the-slug"])
    head, tail = sample.split("1999/12/31/the-slug")
    return lambda when, slug: f"{head}{when:%Y/%m/%d}/{slug}{tail}"


class ArticleRows:
    """Live articles newest first, as the sitemap's Paginator takes them: `count()` and a slice
    are walks of the release index alone (its ids); then only that page's rows are read, as plain
    tuples. Slicing the rows themselves would read every row before the page's first."""

    FIELDS = ("pk", "slug", "published_at", "updated_at", "featured_image", "featured_image_url")

    def __init__(self):
        self.ids = Article.objects.published().order_by("-published_at", "-pk") \
            .values_list("pk", flat=True)

    def count(self):
        return self.ids.count()

    def __getitem__(self, window: slice):
        ids = list(self.ids[window])
        rows = {row.pk: row for row in Article.objects.filter(pk__in=ids).order_by()
                .values_list(*self.FIELDS, named=True)}
        return [rows[pk] for pk in ids if pk in rows]


class ArticleSitemap(MastheadSitemap):
    def __init__(self):
        self.path = article_path_maker()

    def items(self):
        return ArticleRows()

    def location(self, item):
        return self.path(timezone.localtime(item.published_at), item.slug)

    def lastmod(self, item):
        return max(d for d in (item.updated_at, item.published_at) if d)

    def images(self, item):
        if item.featured_image:
            return [default_storage.url(item.featured_image)]
        return [item.featured_image_url] if item.featured_image_url else []

    def latest_lastmod(self):
        result = Article.objects.published().aggregate(
            latest=Max(Greatest("published_at", Coalesce("updated_at", "published_at"))))
        return result["latest"]


class _ArchiveSitemap(MastheadSitemap):
    """Sections, tags, authors: lastmod is their newest published article."""

    model = None
    article_path = "articles__"

    def items(self):
        now = timezone.now()
        return (
            self.model.objects.annotate(latest=Max(
                f"{self.article_path}published_at", filter=live_q(now, path=self.article_path)))
            .filter(latest__isnull=False).order_by("pk")
        )

    def lastmod(self, item):
        return item.latest

    def latest_lastmod(self):
        return self.items().aggregate(newest=Max("latest"))["newest"]


class SectionSitemap(_ArchiveSitemap):
    model = Section

    def items(self):
        # A parent section's page lists its subsections' articles too.
        now = timezone.now()
        own = Max("articles__published_at", filter=live_q(now, path="articles__"))
        children = Max("children__articles__published_at",
                       filter=live_q(now, path="children__articles__"))
        return (
            Section.objects.annotate(own=own, nested=children)
            .annotate(latest=Greatest(Coalesce("own", "nested"), Coalesce("nested", "own")))
            .filter(latest__isnull=False).order_by("pk")
        )

    def latest_lastmod(self):
        return max((s.latest for s in self.items()), default=None)


class TagSitemap(_ArchiveSitemap):
    model = Tag


class AuthorSitemap(_ArchiveSitemap):
    model = Author


class PageSitemap(MastheadSitemap):
    def items(self):
        return Page.objects.filter(is_published=True).order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def latest_lastmod(self):
        return Page.objects.filter(is_published=True).aggregate(m=Max("updated_at"))["m"]


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}


def news_articles(now=None):
    now = now or timezone.now()
    return list(
        Article.objects.published(now).filter(published_at__gte=now - NEWS_WINDOW)
        .only("pk", "slug", "title", "language", "published_at", "created_at")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )


# -- views -------------------------------------------------------------------------------------
@require_safe
def sitemap_index(request):
    """/sitemap.xml: every non-empty sitemap page, with the newest lastmod of its sitemap."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        pages = sitemap.paginator.num_pages if sitemap.paginator.count else 0
        lastmod = sitemap.get_latest_lastmod() if pages else None
        location = absolute(request, reverse("discovery:sitemap-section", args=[section]))
        for page in range(1, pages + 1):
            entries.append({"location": location + (f"?p={page}" if page > 1 else ""),
                            "lastmod": lastmod})
    return TemplateResponse(request, "discovery/sitemap_index.xml", {"sitemaps": entries},
                            content_type="application/xml; charset=utf-8")


SITEMAP_PAGE = re.compile(r"[1-9][0-9]{0,6}")


def _urlset(entries) -> str:
    """The <urlset> document for `entries` (as MastheadSitemap.get_urls gives them)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n']
    for entry in entries:
        parts.append(f"<url><loc>{escape(entry['location'])}</loc>")
        if entry["lastmod"]:
            parts.append(f"<lastmod>{timezone.localtime(entry['lastmod']).isoformat()}</lastmod>")
        for image in entry["images"]:
            parts.append(f"<image:image><image:loc>{escape(image)}</image:loc></image:image>")
        parts.append("</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)


@require_safe
def sitemap_section(request, section):
    """One page (?p=N) of one sitemap; 404 for no such sitemap or page."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    raw = request.GET.get("p", "1")
    if not SITEMAP_PAGE.fullmatch(raw):
        raise Http404("No such sitemap page.")
    sitemap = SITEMAPS[section]()
    try:
        entries = sitemap.get_urls(page=int(raw), protocol=request.scheme,
                                   site=_RequestSite(request))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page.")
    response = HttpResponse(_urlset(entries), content_type="application/xml; charset=utf-8")
    lastmod = max((e["lastmod"] for e in entries if e["lastmod"]), default=None)
    if lastmod:
        response.headers["Last-Modified"] = http_date(lastmod.timestamp())
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def news_sitemap(request):
    """/news-sitemap.xml: the Google News sitemap, the last 48 hours' articles."""
    site = current_site(request)
    entries = [
        # Google News takes ISO 639 codes, but Chinese only as zh-cn or zh-tw.
        {"location": absolute(request, a.get_absolute_url()), "article": a,
         "language": "zh-cn" if a.language == "zh" else a.language}
        for a in news_articles()
    ]
    return TemplateResponse(request, "discovery/news_sitemap.xml",
                            {"entries": entries, "publication": site.name},
                            content_type="application/xml; charset=utf-8")
