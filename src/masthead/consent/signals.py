"""Keeping derived state in step: snippets' inert markup when their category is renamed, and the
opportunistic privacy clean-up when a comment is written."""

from django.db import transaction
from django.db.models.signals import post_save

from .models import Category


def rerender_category_snippets(sender, instance, **kwargs):
    for snippet in instance.snippets.all():
        snippet.save(update_fields=["inert_html", "updated_at"])


def cleanup_after_comment(sender, instance, created, **kwargs):
    if created:
        from . import housekeeping

        transaction.on_commit(housekeeping.run_if_due)


def connect() -> None:
    from .sources.comments import comment_model

    post_save.connect(rerender_category_snippets, sender=Category,
                      dispatch_uid="consent-category-snippets")
    Comment = comment_model()
    if Comment is not None:
        post_save.connect(cleanup_after_comment, sender=Comment, dispatch_uid="consent-cleanup")
