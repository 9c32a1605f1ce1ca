"""`masthead restore ARCHIVE`: put a backup back into an empty data dir (or empty database)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from masthead.backups import archive as backup_archive


def _site_is_empty() -> str:
    """"" if there is nothing to lose, otherwise what is there."""
    tables = connection.introspection.table_names()
    if tables:
        return f"its database already has {len(tables)} tables"
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        return f"{media} already holds files"
    return ""


class Command(BaseCommand):
    help = ("Restore a backup made by `masthead backup` into an empty data dir (and empty "
            "database): the same articles, comments, accounts, pages, images and addresses.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `masthead backup`")

    def handle(self, *args, archive: str, **options):
        source = Path(archive).expanduser()
        if not source.is_file():
            raise CommandError(f"no backup at {source}")
        data_dir = Path(settings.DATA_DIR)
        with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as tmp:
            try:
                manifest = backup_archive.check_and_extract(source, Path(tmp))
            except backup_archive.ArchiveError as exc:
                raise CommandError(str(exc))
            engine = manifest.get("engine")
            if engine != connection.vendor:
                raise CommandError(f"the backup holds a {engine} database but this site is "
                                   f"configured for {connection.vendor}: restore it with the "
                                   "same kind of database")
            reason = _site_is_empty()
            if reason:
                raise CommandError(f"restore needs an empty site, but {reason}; nothing was "
                                   "changed")
            staging = Path(tmp)
            if engine == "sqlite":
                _restore_sqlite(staging / "database.sqlite3")
            else:
                _restore_postgresql(staging / "database.pgdump")
            if (staging / "media").is_dir():
                shutil.copytree(staging / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
            key_file = data_dir / "secret_key"
            key_file.write_text((staging / "secret_key").read_text())
            key_file.chmod(0o600)
        self.stdout.write(f"Restored {source} (made {manifest.get('created_at')}, Masthead "
                          f"{manifest.get('masthead_version')}) into {data_dir}.")


def _restore_sqlite(snapshot: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(snapshot, target)


def _restore_postgresql(dump: Path) -> None:
    params = connection.get_connection_params()
    connection.close()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
               "--host", str(params.get("host") or "localhost"),
               "--port", str(params.get("port") or 5432),
               "--username", str(params.get("user") or "postgres"),
               "--dbname", params["dbname"], str(dump)]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True,
                       env={**os.environ, "PGPASSWORD": str(params.get("password") or "")})
    except FileNotFoundError:
        raise CommandError("pg_restore is not installed (it comes with the PostgreSQL client)")
    except subprocess.CalledProcessError as exc:
        raise CommandError(f"pg_restore failed: {exc.stderr.strip().splitlines()[-1]}")
