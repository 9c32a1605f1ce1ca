"""A rich progress bar for long training runs, as a `step(description)` callable."""

import sys
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(total: int, title: str, enabled: bool = True):
    if not enabled:
        yield lambda description: None
        return
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:
        task = progress.add_task(title, total=total)

        def step(description: str) -> None:
            progress.update(task, advance=1, description=f"{title}: {description}")

        yield step
