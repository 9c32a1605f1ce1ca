from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "masthead.site"
    label = "public_site"
    verbose_name = "Public site"
