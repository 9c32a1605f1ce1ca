"""Transitional: until the newsroom announces its saves through the change seam, related lists
hear of article saves here, and tell the page cache when lists change.

The seam's full version (`changes.follow`, with the newsroom announcing every article save and the
page cache subscribing to `related` changes) makes this module do nothing: `install()` checks for
it and returns. Delete this module, and its call in RelatedConfig.ready(), once that has landed."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead import changes
from masthead.newsroom.models import Article


def seam_announces_saves() -> bool:
    return hasattr(changes, "follow")


def _article_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        changes.announce(articles=[instance.pk, instance.translation_of_id])


def _tags_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Article):
        changes.announce(articles=[instance.pk])


@changes.subscriber("related-bridge-page-cache")
def _lists_changed(changeset: changes.ChangeSet) -> None:
    if changeset.related and not seam_announces_saves():
        from masthead.site import page_cache

        page_cache.bump_generation()


def install() -> None:
    if seam_announces_saves():
        return
    post_save.connect(_article_changed, sender=Article, dispatch_uid="related-bridge-saved")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="related-bridge-deleted")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through,
                        dispatch_uid="related-bridge-tags")
