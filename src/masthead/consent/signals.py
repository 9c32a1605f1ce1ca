"""Keeping derived state in step: what the consent configuration shows readers announces through
the change seam, snippets' inert markup follows their category's name, and the opportunistic
privacy clean-up runs when a comment is written. A reader's own choice (ConsentRecord) and privacy
requests show on no public page and announce nothing."""

from django.db import transaction
from django.db.models.signals import post_save

from masthead import changes

from .models import Category, ConsentSettings, Snippet


def rerender_category_snippets(sender, instance, **kwargs):
    for snippet in instance.snippets.all():
        snippet.save(update_fields=["inert_html", "updated_at"])


def cleanup_after_comment(sender, instance, created, **kwargs):
    if created:
        from . import housekeeping

        transaction.on_commit(housekeeping.run_if_due)


def _shown_on_every_page(row) -> dict:
    return {"site": True}  # the banner, the settings page and snippets are on every page


def connect() -> None:
    from .sources.comments import comment_model

    for model in (ConsentSettings, Category, Snippet):
        changes.follow(model, _shown_on_every_page)
    post_save.connect(rerender_category_snippets, sender=Category,
                      dispatch_uid="consent-category-snippets")
    Comment = comment_model()
    if Comment is not None:
        post_save.connect(cleanup_after_comment, sender=Comment, dispatch_uid="consent-cleanup")
