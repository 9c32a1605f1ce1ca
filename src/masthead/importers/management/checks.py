"""What the import commands check before touching the database."""

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def require_migrated_database() -> None:
    """A site whose database was never set up (or not since an upgrade) gets one clear line,
    not a "no such table" traceback half-way through an import."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("the site's database is not set up or not up to date: "
                           "run `masthead migrate` (or `masthead serve` once) first")
