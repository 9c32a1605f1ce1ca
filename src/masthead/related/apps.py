from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "masthead.related"
    verbose_name = "Related articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.site import slots

        from . import signals  # noqa: F401  (connects the receivers)

        slots.register("article-body", "related/article_body.html")  # the See also line
        slots.register("below-article", "related/you_may_also_like.html", order=10)
