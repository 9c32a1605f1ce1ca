"""The background jobs that keep related lists current. Nothing here runs in a request: the
change seam's subscriber (subscriber.py) and the editors' choices only enqueue."""

from masthead.jobs import job

# The store (and scikit-learn behind it) is imported inside each job, not here: web workers
# import this module to enqueue, and must not pay scikit-learn's import time and memory.


@job()
def update_related_lists(article_ids: list[int], refill_ids: list[int]) -> None:
    """These articles changed (or, for `refill_ids`, an editor's choices or a deleted entry):
    update their vectors and every list they enter or leave."""
    from . import update

    update.update_articles(article_ids, refill_ids)


@job()
def rebuild_related_lists() -> dict:
    """Refit the model and recompute every list (after a bulk change such as an import)."""
    from . import build

    return build.rebuild()
