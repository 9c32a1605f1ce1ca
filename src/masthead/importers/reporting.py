"""Progress bars and summaries for the import commands, on the terminal (rich)."""

from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

ACTIONS = ("created", "updated", "unchanged", "skipped")
SHOWN_WARNINGS = 50


@contextmanager
def progress_bar(description: str, total: int, console: Console):
    """Yields advance(n=1). Drawn on the console (stderr), so stdout stays the summary."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)


def summary_table(summary, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("kind")
    for action in ACTIONS:
        table.add_column(action, justify="right")
    for kind in sorted(summary.counts):
        counts = summary.counts[kind]
        table.add_row(kind, *(str(counts[a]) for a in ACTIONS))
    return table


def print_summary(summary, console: Console, *, verbose: bool = False) -> None:
    prefix = "Dry run: nothing was written. Would have: " if summary.dry_run else ""
    title = f"{prefix}Imported from {summary.site or 'the file'}"
    console.print(summary_table(summary, title))
    if summary.made_drafts:
        console.print(f"imported as drafts, to be reviewed ({len(summary.made_drafts)}): "
                      "Masthead has no per-post passwords or private posts")
        for line in summary.made_drafts:
            console.print(f"  - {line}", markup=False, highlight=False)
    console.print(f"warnings: {summary.warning_count}")
    shown = summary.warnings if verbose else summary.warnings[:SHOWN_WARNINGS]
    for warning in shown:
        console.print(f"  - {warning}", markup=False, highlight=False)
    if summary.warning_count > len(shown):
        console.print(f"  … and {summary.warning_count - len(shown)} more "
                      "(--verbosity 2 lists the first 500)")
