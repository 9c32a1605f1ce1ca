"""Sitemaps for search engines: an index of paged sitemaps (articles, sections, tags, authors,
pages), each URL with its last modification and, for articles, the featured image; and a Google
News sitemap of the last 48 hours' articles.

Built on django.contrib.sitemaps. Absolute URLs use MASTHEAD_BASE_URL when it is set.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from masthead.newsroom.models import Article, Author, Page, Section, Tag, live_q
from masthead.site.context import current_site
from masthead.site.structured_data import absolute

URLS_PER_SITEMAP = 50_000  # the protocol's limit
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


class ArticleSitemap(MastheadSitemap):
    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "published_at", "updated_at", "created_at", "featured_image",
                  "featured_image_url")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return max(d for d in (item.updated_at, item.published_at) if d)

    def images(self, item):
        return [item.image_src] if item.image_src else []

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


@require_safe
def sitemap_section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(request, {section: SITEMAPS[section]}, section=section,
                                 template_name="discovery/sitemap.xml",
                                 content_type="application/xml; charset=utf-8")


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
