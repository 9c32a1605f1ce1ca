"""Saving, publishing, unpublishing or deleting an article updates the related lists right after
the transaction commits (so a rolled-back save changes nothing, and the editor's request never
sees an index error: it is logged, and `masthead rebuild_related` repairs anything)."""

import logging
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from masthead.newsroom.models import Article

from . import store
from .models import RelatedChoice, RelatedLink, RelatedPin

log = logging.getLogger(__name__)
_pending = threading.local()


def schedule(article_ids=(), refill_ids=()) -> None:
    """Update these articles once the current transaction commits (at once outside one).

    Several saves in one transaction (the article, then its tags, then its inlines) make one
    update: the first commit callback takes everything pending, later ones find nothing."""
    if getattr(_pending, "muted", False):
        return
    pending = _pending.__dict__.setdefault("ids", {"articles": set(), "refill": set()})
    pending["articles"].update(article_ids)
    pending["refill"].update(refill_ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = _pending.__dict__.pop("ids", None)
    if not pending or not (pending["articles"] or pending["refill"]):
        return
    try:
        store.update_articles(pending["articles"], pending["refill"])
    except Exception:
        log.exception("related articles: update failed for %s", sorted(pending["articles"]))


class muted:
    """Within this block saves do not update the index (bulk loads that rebuild afterwards)."""

    def __enter__(self):
        _pending.muted = True

    def __exit__(self, *exc):
        _pending.muted = False


@receiver(post_save, sender=Article)
def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule([instance.pk])


@receiver(m2m_changed, sender=Article.tags.through)
def _tags_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Article):
        schedule([instance.pk])


@receiver(pre_delete, sender=Article)
def _article_deleting(sender, instance, **kwargs):
    # The cascade is about to remove this article from others' lists: refill them afterwards.
    holders = RelatedLink.objects.filter(related_id=instance.pk).values_list("article_id",
                                                                             flat=True)
    instance._related_holders = set(holders)


@receiver(post_delete, sender=Article)
def _article_deleted(sender, instance, **kwargs):
    schedule([instance.pk], getattr(instance, "_related_holders", ()))


@receiver(post_save, sender=RelatedChoice)
@receiver(post_delete, sender=RelatedChoice)
@receiver(post_save, sender=RelatedPin)
@receiver(post_delete, sender=RelatedPin)
def _choice_changed(sender, instance, **kwargs):
    schedule(refill_ids=[instance.article_id])


@receiver(m2m_changed, sender=RelatedChoice.excluded.through)
def _exclusions_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, RelatedChoice):
        schedule(refill_ids=[instance.article_id])
