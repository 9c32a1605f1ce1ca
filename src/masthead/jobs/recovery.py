"""Jobs whose worker died: found and handed to the next worker.

A worker marks a job RUNNING when it claims it and FAILED or SUCCESSFUL when it is done; if the
worker is killed in between (SIGKILL, out of memory, a machine that lost power) the job would stay
RUNNING for ever. Every live worker therefore refreshes a heartbeat row, and every worker looks,
every few seconds, for RUNNING jobs whose worker is gone: a heartbeat older than the stale limit,
or, on the same machine, a process id that no longer exists (so a restart on one machine recovers
at once rather than after the limit). Such a job goes back to READY, or to FAILED with a
`WorkerLost` error once it has had all its attempts.
"""

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .models import WorkerHeartbeat

log = logging.getLogger("masthead.jobs")

HOST = socket.gethostname()


class WorkerLost(Exception):
    """The worker running a job stopped before the job finished."""


def process_is_gone(pid: int) -> bool:
    """True when no live process on this machine has this id (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state is the field after the parenthesised command name, which may contain spaces.
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def _worker_is_gone(heartbeat, started_at, now, stale_after: timedelta) -> bool:
    if heartbeat is None:
        # No heartbeat at all: a worker that exited between claiming and starting the job, or
        # one that never kept a heartbeat. Give it the stale limit from the claim.
        return started_at is None or started_at < now - stale_after
    if heartbeat.host == HOST and process_is_gone(heartbeat.pid):
        return True
    return heartbeat.seen_at < now - stale_after


def max_attempts_of(db_result: DBTaskResult) -> int:
    try:
        return getattr(db_result.task, "max_attempts", 1)
    except Exception:  # the job's code is gone (renamed, removed): it cannot run again
        return 1


def requeue_abandoned(*, stale_after: timedelta, exclude_worker: str | None = None) -> list[str]:
    """Hand back every RUNNING job whose worker is gone; return the ids handed back or failed."""
    now = timezone.now()
    running = list(DBTaskResult.objects.running().only("id", "worker_ids", "started_at"))
    if not running:
        return []
    heartbeats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    recovered = []
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else None
        if worker_id == exclude_worker:
            continue
        if not _worker_is_gone(heartbeats.get(worker_id), result.started_at, now, stale_after):
            continue
        with exclusive_transaction(DBTaskResult.objects.db):
            # Locked and checked again: another worker may have recovered it meanwhile.
            locked = (DBTaskResult.objects.select_for_update()
                      .filter(pk=result.pk, status=TaskResultStatus.RUNNING).first())
            if locked is None or locked.worker_ids != result.worker_ids:
                continue
            attempts, limit = len(locked.worker_ids), max_attempts_of(locked)
            lost = WorkerLost(f"worker {worker_id} stopped during attempt {attempts} of {limit}")
            if attempts >= limit:
                locked.set_failed(lost)
                log.warning("job %s (%s) failed: %s", locked.pk, locked.task_path, lost)
            else:
                locked.status = TaskResultStatus.READY
                locked.run_after = now
                locked.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__name__}"
                locked.traceback = f"{lost}; handed back to the queue at {now:%Y-%m-%d %H:%M:%S %Z}"
                locked.save(update_fields=["status", "run_after", "exception_class_path",
                                           "traceback"])
                log.warning("job %s (%s) handed back: %s", locked.pk, locked.task_path, lost)
            recovered.append(str(locked.pk))
    return recovered


def forget_dead_workers(*, stale_after: timedelta) -> None:
    """Drop heartbeats of workers long gone (and of dead processes on this machine)."""
    now = timezone.now()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * stale_after).delete()
    dead_here = [beat.pk for beat in WorkerHeartbeat.objects.filter(host=HOST)
                 if process_is_gone(beat.pid)]
    busy = set()
    for ids in DBTaskResult.objects.running().values_list("worker_ids", flat=True):
        busy.update(ids[-1:])
    # A dead worker's heartbeat stays while one of its jobs is still RUNNING, as evidence.
    WorkerHeartbeat.objects.filter(Q(pk__in=dead_here) & ~Q(pk__in=busy)).delete()
