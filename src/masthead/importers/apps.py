from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "masthead.importers"
    verbose_name = "Importers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.site import legacy_redirects

        from . import legacy_urls

        # Old WordPress addresses answer 301 to where their content lives now.
        legacy_redirects.register(legacy_urls)
