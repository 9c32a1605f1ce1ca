"""A Masthead backup archive: one .tar.gz holding manifest.json, the database snapshot, the
media files and the secret key, every file with its SHA-256 in the manifest.

Plain Python (no Django): the commands in management/commands/ gather the pieces and put them
back; this module only writes, checks and unpacks archives, and refuses a damaged, truncated or
newer one before anything is changed.
"""

import hashlib
import json
import tarfile
from pathlib import Path

FORMAT = 1  # raise when the layout changes; restore refuses archives newer than it knows
MANIFEST = "manifest.json"


class ArchiveError(Exception):
    """The archive cannot be used; the message says why in one line."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(archive: Path, staging: Path, meta: dict, progress=None) -> dict:
    """Pack everything under `staging` into `archive` with a manifest; returns the manifest."""
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    manifest = dict(meta, format=FORMAT, files={})
    for path in files:
        manifest["files"][path.relative_to(staging).as_posix()] = {
            "sha256": sha256_of(path), "size": path.stat().st_size}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(staging / MANIFEST, arcname=MANIFEST)
        for path in files:
            tar.add(path, arcname=path.relative_to(staging).as_posix())
            if progress:
                progress(path.stat().st_size)
    partial.replace(archive)  # a backup interrupted half-way never looks like a finished one
    return manifest


def check_and_extract(archive: Path, into: Path) -> dict:
    """Unpack `archive` into the empty directory `into` and verify it; raise ArchiveError (with
    nothing of the site touched) if it is damaged, truncated, incomplete or too new."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            names = tar.getnames()
            if MANIFEST not in names:
                raise ArchiveError(f"{archive} is not a Masthead backup (no {MANIFEST})")
            manifest = json.load(tar.extractfile(MANIFEST))
            if not isinstance(manifest.get("format"), int):
                raise ArchiveError(f"{archive} has no readable format version")
            if manifest["format"] > FORMAT:
                raise ArchiveError(
                    f"{archive} was made by a newer Masthead (backup format "
                    f"{manifest['format']}, this one reads up to {FORMAT}): upgrade Masthead "
                    "first")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{archive} is damaged or truncated ({exc})") from None
    for name, expected in manifest.get("files", {}).items():
        path = into / name
        if not path.is_file():
            raise ArchiveError(f"{archive} is incomplete: {name} is missing")
        if sha256_of(path) != expected["sha256"]:
            raise ArchiveError(f"{archive} is damaged: {name} does not match its checksum")
    return manifest
