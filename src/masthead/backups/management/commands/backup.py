"""`masthead backup [--output FILE] [--keep N]`: a consistent snapshot while the site serves."""

import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rich.progress import Progress

from masthead.backups import archive

PREFIX = "masthead-backup-"


def masthead_version() -> str:
    try:
        return version("masthead")
    except PackageNotFoundError:
        return "unknown"


def snapshot_database(into: Path) -> str:
    """The database as one file in `into`: SQLite's online backup API (readers and writers go on
    meanwhile and the copy is one consistent moment), or pg_dump's custom format."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        target = sqlite3.connect(into / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        env = {"PGPASSWORD": str(params.get("password") or "")}
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                   "--file", str(into / "database.pgdump"),
                   "--host", str(params.get("host") or "localhost"),
                   "--port", str(params.get("port") or 5432),
                   "--username", str(params.get("user") or "postgres"), params["dbname"]]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True,
                           env={**os.environ, **env})
        except FileNotFoundError:
            raise CommandError("pg_dump is not installed (it comes with the PostgreSQL client)")
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"pg_dump failed: {exc.stderr.strip().splitlines()[-1]}")
        return "postgresql"
    raise CommandError(f"cannot back up a {connection.vendor} database")


class Command(BaseCommand):
    help = ("Write the whole site (database, uploaded media, secret key) into one .tar.gz with "
            "a manifest and checksums, while the site keeps serving.")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE",
                            help="the archive to write (default: DATA_DIR/backups/"
                                 f"{PREFIX}<time>.tar.gz)")
        parser.add_argument("--keep", type=int, metavar="N",
                            help="afterwards, keep only the newest N backups in the default "
                                 "folder (for a scheduled job)")

    def handle(self, *args, output=None, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more")
        folder = Path(settings.DATA_DIR) / "backups"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = Path(output).expanduser() if output else folder / f"{PREFIX}{stamp}.tar.gz"
        if target.exists():
            raise CommandError(f"{target} already exists: choose another --output")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot write {target.parent}: {exc.strerror or exc}")
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
            staging = Path(tmp)
            engine = snapshot_database(staging)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                shutil.copytree(media, staging / "media")
            (staging / "secret_key").write_text(settings.SECRET_KEY)
            total = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
            with Progress(transient=True, disable=not self.stdout.isatty()) as bar:
                task = bar.add_task("Writing the archive", total=total)
                manifest = archive.write(target, staging, {
                    "engine": engine, "masthead_version": masthead_version(),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }, progress=lambda n: bar.advance(task, n))
        self.stdout.write(f"Backed up to {target} ({len(manifest['files'])} files, "
                          f"{target.stat().st_size:,} bytes).")
        if keep:
            old = sorted(folder.glob(f"{PREFIX}*.tar.gz"))[:-keep]
            for path in old:
                path.unlink()
            if old:
                self.stdout.write(f"Removed {len(old)} older backup(s); kept the newest {keep}.")
