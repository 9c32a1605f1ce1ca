from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "masthead.discovery"
    verbose_name = "Feeds, sitemaps, search and API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.site import slots

        from . import signals  # noqa: F401 -- connects the search index to the newsroom

        slots.register("head", "discovery/head.html")  # feeds, canonical and alternate links
        slots.register("header", "discovery/search_box.html")
