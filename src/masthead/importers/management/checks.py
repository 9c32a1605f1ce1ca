"""What the import and export commands check before touching the database."""

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _unapplied() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def require_migrated_database() -> None:
    """A site whose database was never set up (or not since an upgrade) gets one clear line,
    not a "no such table" traceback (for commands that only read it)."""
    if _unapplied():
        raise CommandError("the site's database is not set up or not up to date: "
                           "run `masthead migrate` (or `masthead serve` once) first")


def set_up_database(status=None) -> bool:
    """Importing into a new data dir sets the site up first, as `masthead serve` would (an
    upgraded site's database is brought up to date the same way). Returns whether it did."""
    if not _unapplied():
        return False
    if status is not None:
        with status("Setting up the site's database…"):
            call_command("migrate", interactive=False, verbosity=0)
    else:
        call_command("migrate", interactive=False, verbosity=0)
    return True
