from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.site import slots

        from .counts import forget_on_change
        from .models import Comment

        slots.register("below-article", "comments/section.html", order=20)
        slots.register("card-meta", "comments/card_meta.html")

        post_save.connect(forget_on_change, sender=Comment, dispatch_uid="comments-count-save")
        post_delete.connect(forget_on_change, sender=Comment, dispatch_uid="comments-count-del")
