"""Keep the search index in step with the newsroom, inside the same transaction as each change."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from masthead.newsroom.models import Article, Section

from . import site_search


@receiver(post_save, sender=Article, dispatch_uid="discovery-index-article")
def index_saved_article(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures load rows as they are; `masthead search_index --rebuild` follows
        site_search.reindex([instance.pk])


@receiver(post_delete, sender=Article, dispatch_uid="discovery-unindex-article")
def unindex_deleted_article(sender, instance, **kwargs):
    site_search.remove([instance.pk])


@receiver(m2m_changed, sender=Article.authors.through, dispatch_uid="discovery-index-bylines")
def index_new_bylines(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # author.articles.clear(): after it, which articles lost the byline is no longer known.
        instance._discovery_cleared_ids = list(instance.articles.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        site_search.reindex([instance.pk])
    elif action == "post_clear":
        site_search.reindex(getattr(instance, "_discovery_cleared_ids", []))
    else:  # author.articles.add(...) / remove(...): the articles are the pk_set
        site_search.reindex(pk_set or [])


@receiver(pre_save, sender=Section, dispatch_uid="discovery-section-parent-before")
def remember_section_parent(sender, instance, raw=False, **kwargs):
    instance._discovery_old_parent_id = (
        Section.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        if instance.pk and not raw else instance.parent_id
    )


@receiver(post_save, sender=Section, dispatch_uid="discovery-section-parent-after")
def follow_section_parent(sender, instance, created, raw=False, **kwargs):
    if not created and not raw and instance.parent_id != instance._discovery_old_parent_id:
        site_search.move_section(instance.pk, instance.parent_id)
