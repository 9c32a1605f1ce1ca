from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "masthead.discovery"
    verbose_name = "Feeds, sitemaps, search and API"
    default_auto_field = "django.db.models.BigAutoField"
