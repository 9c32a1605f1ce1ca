from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Editors moderate comments, as WordPress's editors do; administrators have every permission.
EDITOR_PERMISSIONS = ["view_comment", "change_comment", "delete_comment", "moderate_comment"]


def grant_editors_moderation(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name="Editor").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="comments", codename__in=EDITOR_PERMISSIONS))


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_editors_moderation, sender=self)
