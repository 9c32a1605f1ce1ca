"""`masthead worker`: run background jobs until stopped (Ctrl-C or SIGTERM hands back the job in
hand and exits). Start as many as you like, on this machine or others sharing the PostgreSQL
database; `masthead serve` and `masthead demo` start one themselves."""

import logging
import os
import sys
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from masthead.jobs.worker import JobWorker, run_ready_jobs


def _interval(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ArgumentTypeError(f"must be a number of seconds, not {value!r}")
    if not 0 <= seconds <= 3600:
        raise ArgumentTypeError(f"must be between 0 and 3600 seconds, not {value}")
    return seconds


class Command(BaseCommand):
    help = __doc__
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", metavar="NAMES",
                            help="comma-separated queues to take jobs from (default: default)")
        parser.add_argument("--interval", type=_interval, default=1.0, metavar="SECONDS",
                            help="how long to wait when the queue is empty (default: 1)")
        parser.add_argument("--batch", action="store_true",
                            help="run the jobs that are ready now, then exit (for cron)")

    def handle(self, *, queue, interval, batch, verbosity, **options):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s jobs: %(message)s"))
        for name in ("masthead.jobs", "django_tasks_db", "django_tasks"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel(logging.INFO if verbosity > 1 else logging.WARNING)
            logger.propagate = False
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue needs at least one queue name")
        if batch:
            ran = run_ready_jobs(queues)
            if verbosity:
                self.stdout.write(f"ran {ran} job(s)")
            return
        JobWorker(queue_names=queues, interval=interval).serve_forever()
        # Stopped, its job handed back and its heartbeat removed: leave without the interpreter's
        # teardown of every loaded module, which takes seconds on a busy machine.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
