from django.urls import path, re_path

from . import feeds, sitemaps, views
from .api import views as api

app_name = "discovery"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    # Feeds sit where WordPress puts them, so readers moving a subscription need change nothing.
    path("feed/", feeds.view(feeds.ArticleFeed), name="feed"),
    path("feed/atom/", feeds.view(feeds.AtomArticleFeed), name="feed-atom"),
    path("section/<slug:slug>/feed/", feeds.view(feeds.SectionFeed), name="section-feed"),
    path("section/<slug:slug>/feed/atom/", feeds.view(feeds.SectionAtomFeed),
         name="section-feed-atom"),
    path("tag/<slug:slug>/feed/", feeds.view(feeds.TagFeed), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.view(feeds.TagAtomFeed), name="tag-feed-atom"),
    path("author/<slug:slug>/feed/", feeds.view(feeds.AuthorFeed), name="author-feed"),
    path("author/<slug:slug>/feed/atom/", feeds.view(feeds.AuthorAtomFeed),
         name="author-feed-atom"),
    path("api/openapi.json", api.openapi_json, name="openapi"),
    path("api/v1/", api.api.read_only_urls()),
    # Any other address under /api/v1/ answers in JSON too; one without its final slash is first
    # sent to the address with it (APPEND_SLASH), as everywhere on the site.
    re_path(r"^api/v1/.*/$", api.api.read_only(api.not_found), name="api"),
]
