"""The background jobs that keep related lists current. Nothing here runs in a request: the
change seam's subscriber (subscriber.py) and the editors' choices only enqueue."""

from masthead.jobs import job

from . import build, update


@job()
def update_related_lists(article_ids: list[int], refill_ids: list[int]) -> None:
    """These articles changed (or, for `refill_ids`, an editor's choices or a deleted entry):
    update their vectors and every list they enter or leave."""
    update.update_articles(article_ids, refill_ids)


@job()
def rebuild_related_lists() -> dict:
    """Refit the model and recompute every list (after a bulk change such as an import)."""
    return build.rebuild()
