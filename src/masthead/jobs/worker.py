"""The job worker behind `masthead worker` (and the one `masthead serve` starts).

It is django-tasks-db's worker (claiming a job with `SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL, an exclusive transaction on SQLite, so two workers never run the same job) with what
that worker lacks:

- retries: a job that raises goes back to the queue with its error until it has had
  `max_attempts` attempts (see masthead.jobs.Job), then stays FAILED with its error;
- recovery: a heartbeat thread keeps this worker's row fresh and hands back the jobs of workers
  that died (masthead.jobs.recovery);
- a prompt stop: SIGINT or SIGTERM interrupts the running job, puts it back in the queue for the
  next worker, and exits, so Ctrl-C on `masthead serve` never waits for a long job.
"""

import logging
import os
import signal
import sys
import threading
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, retry

from .models import WorkerHeartbeat
from .recovery import HOST, forget_dead_workers, max_attempts_of, requeue_abandoned

log = logging.getLogger("masthead.jobs")


class WorkerStopping(BaseException):
    """Raised into a running job when the worker is told to stop (not an Exception, so a job's
    own `except Exception` cannot swallow it)."""


class JobWorker(Worker):
    def __init__(self, *, queue_names=("default",), interval: float = 1.0, batch: bool = False,
                 max_tasks: int | None = None, worker_id: str | None = None):
        super().__init__(
            queue_names=list(queue_names), interval=interval, batch=batch,
            backend_name="default", startup_delay=False, max_tasks=max_tasks,
            worker_id=worker_id or get_random_string(32), excluded_queue_names=[],
        )
        self._stopping = False

    # -- stopping ---------------------------------------------------------------------------
    def shutdown(self, signum, frame) -> None:
        if self._stopping:
            return  # already handing the job back; a second Ctrl-C changes nothing
        self._stopping = True
        self.running = False
        if self.running_task:
            raise WorkerStopping(signal.strsignal(signum))
        sys.exit(0)

    # -- running one job --------------------------------------------------------------------
    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result),
                                  *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except WorkerStopping:
            self.running_task = False
            hand_back(db_task_result, self.worker_id)
        except BaseException as exc:
            self.running_task = False
            self._record_failure(db_task_result, exc)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _record_failure(self, db_task_result: DBTaskResult, exc: BaseException) -> None:
        attempt, limit = len(db_task_result.worker_ids), max_attempts_of(db_task_result)
        if attempt < limit:
            delay = db_task_result.task.delay_before_attempt(attempt + 1)
            schedule_retry(db_task_result, exc, delay, attempt=attempt, limit=limit)
            log.warning("job %s (%s) failed, attempt %d of %d; next try in %s: %s",
                        db_task_result.pk, db_task_result.task_path, attempt, limit, delay,
                        _one_line(exc))
            return
        db_task_result.set_failed(exc)
        log.error("job %s (%s) failed after %d attempt(s): %s", db_task_result.pk,
                  db_task_result.task_path, attempt, _one_line(exc))
        try:
            task_finished.send(sender=type(db_task_result.task.get_backend()),
                               task_result=db_task_result.task_result)
        except Exception:  # the job's code cannot be imported: nothing to tell
            pass

    # -- a long-running worker -------------------------------------------------------------
    def serve_forever(self) -> None:
        """Run until told to stop, with a heartbeat and recovery of dead workers' jobs."""
        stale_after = timedelta(seconds=settings.MASTHEAD_JOBS_STALE_SECONDS)
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": HOST, "pid": os.getpid(), "started_at": now, "seen_at": now},
        )
        requeue_abandoned(stale_after=stale_after, exclude_worker=self.worker_id)
        beat = Heartbeat(self.worker_id, stale_after)
        beat.start()
        self.configure_signals()
        try:
            self.run()
        except SystemExit:
            pass
        finally:
            self.reset_signals()
            beat.stop()
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            connection.close()


class Heartbeat(threading.Thread):
    """Every few seconds: tell the others this worker lives, and recover dead workers' jobs."""

    def __init__(self, worker_id: str, stale_after: timedelta):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stale_after = stale_after
        # Several beats fit in the stale limit, so one slow write never makes a worker look dead.
        self.every = max(0.5, stale_after.total_seconds() / 6)
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self.every):
                try:
                    WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                        seen_at=timezone.now())
                    requeue_abandoned(stale_after=self.stale_after,
                                      exclude_worker=self.worker_id)
                    forget_dead_workers(stale_after=self.stale_after)
                except Exception as exc:  # a locked or lost database: try again next beat
                    log.warning("job worker heartbeat: %s", _one_line(exc))
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)


@retry()
def schedule_retry(db_task_result: DBTaskResult, exc: BaseException, delay: timedelta, *,
                   attempt: int, limit: int) -> None:
    """Back to the queue, after `delay`, with this attempt's error kept for the admin."""
    run_after = timezone.now() + delay
    db_task_result.status = TaskResultStatus.READY
    db_task_result.run_after = run_after
    db_task_result.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    db_task_result.traceback = (
        f"Attempt {attempt} of {limit} failed; the next starts after "
        f"{run_after:%Y-%m-%d %H:%M:%S %Z}.\n\n" + "".join(format_exception(exc))
    )
    db_task_result.save(update_fields=["status", "run_after", "exception_class_path",
                                       "traceback"])


@retry()
def hand_back(db_task_result: DBTaskResult, worker_id: str) -> None:
    """A stopped worker's job goes back to the queue at once; the cut-short run is no attempt."""
    worker_ids = list(db_task_result.worker_ids)
    if worker_ids and worker_ids[-1] == worker_id:
        worker_ids.pop()
    DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, run_after=timezone.now(), worker_ids=worker_ids)
    log.warning("job %s (%s) handed back: the worker was stopped", db_task_result.pk,
                db_task_result.task_path)


def run_ready_jobs(queue_names=("default",)) -> int:
    """Run every job that is ready now, in this process, and return how many ran (for tests,
    and for `masthead worker --batch` from cron). Unlike the worker's loop it never closes the
    database connection, so it also runs inside a test's transaction."""
    worker = JobWorker(queue_names=queue_names, interval=0, batch=True)
    while True:
        # Built afresh each time: "ready" means run_after has passed *now*.
        ready = DBTaskResult.objects.ready().filter(backend_name=worker.backend_name,
                                                    queue_name__in=list(queue_names))
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is None:
                return worker._run_tasks
            claimed.claim(worker.worker_id)
        worker.run_task(claimed)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
