"""A job that raises is tried again with backoff, then left FAILED with its error: never lost."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from masthead.jobs import MAX_RETRY_DELAY, job
from masthead.jobs.worker import run_ready_jobs

from . import sample_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # also on PostgreSQL


def test_a_failing_job_is_retried_then_marked_failed_with_its_error():
    result = sample_jobs.always_fails.enqueue("the feed answered 502")
    assert run_ready_jobs() == 3
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert row.exception_class_path == "builtins.ValueError"
    assert "ValueError: the feed answered 502" in row.traceback
    result.refresh()
    assert result.errors and result.errors[0].exception_class is ValueError


def test_a_job_that_recovers_on_a_later_attempt_succeeds(tmp_path):
    result = sample_jobs.fails_then_succeeds.enqueue(str(tmp_path), 2)
    run_ready_jobs()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "done" and len(row.worker_ids) == 3
    assert row.traceback == "" and row.exception_class_path == ""


def test_a_failed_attempt_waits_with_backoff_and_keeps_its_error():
    before = timezone.now()
    result = sample_jobs.slow_failure.enqueue()
    assert run_ready_jobs() == 1
    row = DBTaskResult.objects.get(pk=result.id)
    # Back in the queue, not lost, not run again before its time.
    assert row.status == TaskResultStatus.READY
    assert timedelta(seconds=30) <= row.run_after - before <= timedelta(seconds=30) + (
        timezone.now() - before)
    assert row.exception_class_path == "builtins.ConnectionError"
    assert row.traceback.startswith("Attempt 1 of 5 failed")
    assert "the mail server did not answer" in row.traceback
    assert run_ready_jobs() == 0

    # When its time comes it runs again, and the next wait is twice as long.
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
    second = timezone.now()
    assert run_ready_jobs() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 2
    assert row.run_after - second >= timedelta(seconds=60)
    assert row.traceback.startswith("Attempt 2 of 5 failed")


def test_backoff_doubles_and_is_capped():
    task = sample_jobs.slow_failure
    assert [task.delay_before_attempt(n).total_seconds() for n in (2, 3, 4, 5)] == [
        30, 60, 120, 240]
    assert task.delay_before_attempt(40) == MAX_RETRY_DELAY


def test_a_job_needs_at_least_one_attempt():
    with pytest.raises(ValueError):
        job(max_attempts=0)
