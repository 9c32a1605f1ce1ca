"""How related lists learn that something changed: the change seam, and the editors' choices.

Changed articles enqueue one update job per committed transaction; a bulk ChangeSet (an import,
a bulk action) enqueues one rebuild job instead. The lists the jobs write are announced back
through the seam as `related` changes, which this subscriber ignores (the page cache is what
needs them). Renaming a section or tag is left to `masthead rebuild_related`, as before: every
article save also names its section, and redoing a whole section's lists for each would cost
far more than it gives.

Pins, exclusions and See also choices are this app's own rows: changing them enqueues an update
of that article's list once the transaction commits (one job for all of a form's rows)."""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from masthead import changes

from .jobs import rebuild_related_lists, update_related_lists
from .models import RelatedChoice, RelatedPin

_pending = threading.local()


@changes.subscriber("related-lists")
def follow_changes(changeset: changes.ChangeSet) -> None:
    if not changeset.articles:
        return  # our own `related` announcements, comments, pages, authors, site settings
    if changeset.bulk:
        rebuild_related_lists.enqueue()
    else:
        update_related_lists.enqueue(sorted(changeset.articles), [])


def _refill_after_commit(article_id: int) -> None:
    # Every change registers the callback; the first to run takes all that is pending.
    _pending.__dict__.setdefault("ids", set()).add(article_id)
    transaction.on_commit(_enqueue_refill)


def _enqueue_refill() -> None:
    ids = _pending.__dict__.pop("ids", set())
    if ids:
        update_related_lists.enqueue([], sorted(ids))


def choice_changed(sender, instance, **kwargs) -> None:
    _refill_after_commit(instance.article_id)


def exclusions_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, RelatedChoice):
        _refill_after_commit(instance.article_id)


def connect() -> None:
    """Called by RelatedConfig.ready() (the seam subscriber above connects on import)."""
    for model in (RelatedChoice, RelatedPin):
        uid = f"related-choice-{model.__name__}"
        post_save.connect(choice_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(choice_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    m2m_changed.connect(exclusions_changed, sender=RelatedChoice.excluded.through,
                        dispatch_uid="related-choice-exclusions")
