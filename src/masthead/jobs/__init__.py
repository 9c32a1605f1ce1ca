"""Background jobs: slow work (related refits, index rebuilds, e-mail, renditions, imports,
privacy exports) runs here, never in a reader's or editor's request.

Jobs are Django's tasks API (the `django-tasks` backport of Django 6's framework) on a
database-backed queue (`django-tasks-db`): no extra server on the embedded default, shared by
every app server on PostgreSQL. `masthead serve` runs a worker itself; `masthead worker` adds
workers on other machines (see `masthead.jobs.worker`).

    from masthead.jobs import job

    @job()
    def refit_related(article_ids: list[int]) -> None: ...

    refit_related.enqueue([1, 2, 3])      # arguments must be JSON-serialisable

Enqueue from the change seam's subscribers or with `transaction.on_commit`, so a job never runs
against data its request has not committed yet.

A job that raises is tried again later, up to `max_attempts` times in all, waiting `retry_delay`
seconds before the second attempt and twice as long before each next one; after the last attempt
it stays FAILED with its error, in the admin (Background jobs › Task results). A worker that dies
mid-job leaves the job to run again (that counts as an attempt too), so a job must be safe to run
twice: write its results idempotently.
"""

from dataclasses import dataclass
from datetime import timedelta

from django_tasks.base import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_PRIORITY,
    DEFAULT_TASK_QUEUE_NAME,
    Task,
)

# The longest wait between two attempts, however many there are.
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job(Task):
    """A django-tasks Task that knows how often, and how patiently, to try again."""

    max_attempts: int = 5
    retry_delay: float = 10.0

    def delay_before_attempt(self, attempt: int) -> timedelta:
        """How long to wait before attempt number `attempt` (2, 3, ...): exponential backoff."""
        delay = timedelta(seconds=self.retry_delay * 2 ** max(0, attempt - 2))
        return min(delay, MAX_RETRY_DELAY)


def job(
    *,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    max_attempts: int = 5,
    retry_delay: float = 10.0,
    takes_context: bool = False,
):
    """Declare a background job: `@job()` over a module-level function."""
    if max_attempts < 1:
        raise ValueError("a job needs at least one attempt")

    def declare(function) -> Job:
        return Job(
            func=function,
            priority=priority,
            queue_name=queue_name,
            backend=DEFAULT_TASK_BACKEND_ALIAS,
            takes_context=takes_context,
            run_after=None,
            max_attempts=max_attempts,
            retry_delay=retry_delay,
        )

    return declare
