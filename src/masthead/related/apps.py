from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "masthead.related"
    verbose_name = "Related articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.newsroom.admin import article_inlines
        from masthead.site import slots

        from . import subscriber
        from .admin import RelatedChoiceInline, RelatedPinInline

        subscriber.connect()
        article_inlines.register(RelatedChoiceInline, RelatedPinInline)
        slots.register("article-body", "related/article_body.html")  # the See also line
        slots.register("below-article", "related/you_may_also_like.html", order=10)
