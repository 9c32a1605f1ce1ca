from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "masthead.site"
    label = "public_site"
    verbose_name = "Public site"

    def ready(self):
        from .page_cache import connect_signals

        connect_signals()
