"""`masthead rebuild-related`: refit the text model and recompute every related list.

Saves keep the lists current on their own; rebuild after a large import, after renaming sections
or tags, or now and then on a growing archive so the model learns its new words."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from masthead.related import build

STAGES = {
    "reading": "Reading articles",
    "fitting": "Fitting the text model",
    "relating": "Relating articles",
    "writing": "Writing lists",
}


class Command(BaseCommand):
    help = "Rebuild the related-articles index from scratch, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true",
                            help="print only the summary (for logs and cron)")

    def handle(self, *args, no_progress=False, **options):
        started = time.perf_counter()
        try:
            if no_progress:
                figures = build.rebuild()
            else:
                figures = self._with_progress()
        except DatabaseError as exc:
            raise CommandError(
                f"cannot rebuild the related index: {exc}".splitlines()[0]) from None
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Related index rebuilt: {figures['articles']} articles, "
            f"method {figures['method']} ({figures['dims']} dense dimensions), {seconds:.1f} s."
        )

    def _with_progress(self):
        columns = (TextColumn("{task.description:<24}"), BarColumn(), TaskProgressColumn(),
                   TimeElapsedColumn())
        with Progress(*columns, transient=False) as progress:
            tasks = {}  # stage -> (task id, total)

            def report(stage, done, total):
                total = total or 1
                if stage not in tasks:
                    tasks[stage] = (progress.add_task(STAGES.get(stage, stage), total=total),
                                    total)
                task, _ = tasks[stage]
                tasks[stage] = (task, total)
                progress.update(task, completed=min(done, total), total=total)

            figures = build.rebuild(progress=report)
            for task, total in tasks.values():
                progress.update(task, completed=total)  # an empty stage still shows as done
            return figures
