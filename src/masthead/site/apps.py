from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "masthead.site"
    label = "public_site"
    verbose_name = "Public site"

    def ready(self):
        from masthead import changes
        from masthead.newsroom.models import Article, Author, Tag

        from . import page_cache  # noqa: F401 -- subscribes the page cache to the change seam

        # A page shows every article, tag and author it loads: their changes make it stale.
        changes.record_loaded(Article, "articles")
        changes.record_loaded(Tag, "tags")
        changes.record_loaded(Author, "authors")
