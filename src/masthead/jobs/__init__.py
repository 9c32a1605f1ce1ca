"""Background jobs: slow work (related refits, index rebuilds, e-mail, renditions, imports,
privacy exports) runs here, never in a reader's or editor's request.

Jobs are Django's tasks API (the `django-tasks` backport of Django 6's framework) on a
database-backed queue (`django-tasks-db`): no extra server on the embedded default, shared by
every app server on PostgreSQL. `masthead serve` runs a worker itself; `masthead worker` adds
workers on other machines.

    from masthead.jobs import job

    @job()
    def refit_related(article_ids: list[int]) -> None: ...

    refit_related.enqueue([1, 2, 3])      # arguments must be JSON-serialisable

Enqueue from the change seam's subscribers or with `transaction.on_commit`, so a job never runs
against data its request has not committed yet.
"""

from django_tasks import task as _task


def job(*, priority: int = 0, queue_name: str = "default"):
    """Declare a background job (a django-tasks Task)."""
    return _task(priority=priority, queue_name=queue_name)
