from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "masthead.related"
    verbose_name = "Related articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
