"""`masthead backup` then `masthead restore` into an empty data dir gives the same site; a bad
archive or a non-empty site is one line, exit 2, and nothing changed."""

import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

# transaction=True: the snapshot and the restore subprocess see committed rows. serialized_rollback
# puts back the rows migrations made (consent categories, pages) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(make_article, settings, tmp_path):
    """Articles, a comment, accounts, a static page, an uploaded image, on a data dir."""
    from django.contrib.auth.models import User

    from masthead.comments.models import Comment
    from masthead.newsroom.models import Page

    settings.DATA_DIR = tmp_path / "site"
    settings.DATA_DIR.mkdir()
    article = make_article(title="Harbour wall approved", body="The council voted.")
    article.featured_image.save("wall.jpg", ContentFile(b"\xff\xd8 not really a jpeg"))
    make_article(title="Ferry timetable")
    Comment.objects.create(article=article, author="Jo", author_email="jo@example.org",
                           text="Good news.", status=Comment.Status.APPROVED)
    User.objects.create_user("editor", "e@example.org", "pw-for-tests-123", is_staff=True)
    Page.objects.create(title="Our staff", slug="our-staff", body="Who we are.")
    return article


def _cli(data_dir: Path, *words):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL",
                                                            "SECRET_KEY"}}
    return subprocess.run([sys.executable, "-m", "masthead.cli", "--data-dir", str(data_dir),
                           *words], capture_output=True, text=True, env=env, timeout=300)


def _rows(db: sqlite3.Connection | None, sql: str):
    return sorted(db.execute(sql).fetchall())


QUERIES = {
    "articles": "SELECT id, title, slug, body_html, published_at || '', featured_image FROM "
                "newsroom_article",
    "comments": "SELECT id, article_id, author, text_html, status FROM comments_comment",
    "accounts": "SELECT id, username, password, is_staff FROM auth_user",
    "pages": "SELECT id, title, slug FROM newsroom_page",
}


def test_round_trip_gives_the_same_site(site, settings, tmp_path):
    from django.db import connection

    from masthead.newsroom.models import Article

    backup = tmp_path / "site.tar.gz"
    call_command("backup", output=str(backup))
    with tarfile.open(backup) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == 1 and manifest["engine"] == "sqlite"
    assert {"database.sqlite3", "secret_key"} <= set(manifest["files"])
    assert any(name.startswith("media/articles/") for name in manifest["files"])

    fresh = tmp_path / "fresh"
    done = _cli(fresh, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout

    restored = sqlite3.connect(fresh / "masthead.sqlite3")
    with connection.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(sql)
            assert sorted(cursor.fetchall()) == _rows(restored, sql), name
    image = Article.objects.get(pk=site.pk).featured_image.name
    assert (fresh / "media" / image).read_bytes() == b"\xff\xd8 not really a jpeg"
    assert (fresh / "secret_key").read_text() == settings.SECRET_KEY
    # The same addresses answer on the restored site.
    urls = [a.get_absolute_url() for a in Article.objects.all()] + ["/our-staff/"]
    script = ("from django.test import Client; c = Client(SERVER_NAME='localhost'); "
              f"print([c.get(u).status_code for u in {urls!r}])")
    check = _cli(fresh, "shell", "-c", script)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip().splitlines()[-1] == str([200] * len(urls))


def _bad(tmp_path, archive: Path, expected: str):
    target = tmp_path / "target"
    done = _cli(target, "restore", str(archive))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert not (target / "masthead.sqlite3").exists() or sqlite3.connect(
        target / "masthead.sqlite3").execute("SELECT count(*) FROM sqlite_master").fetchone() \
        == (0,)
    assert not (target / "media").exists()


def test_truncated_archive_changes_nothing(site, tmp_path):
    backup = tmp_path / "site.tar.gz"
    call_command("backup", output=str(backup))
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    _bad(tmp_path, cut, "is damaged or truncated")


def test_newer_archive_changes_nothing(tmp_path, db):
    newer = tmp_path / "newer.tar.gz"
    manifest = json.dumps({"format": 99, "engine": "sqlite", "files": {}}).encode()
    with tarfile.open(newer, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    _bad(tmp_path, newer, "made by a newer Masthead")


def test_a_file_that_is_no_backup(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(gzip.compress(b"hello"))
    _bad(tmp_path, junk, "damaged or truncated")


def test_restore_refuses_a_site_with_content(site, tmp_path):
    backup = tmp_path / "site.tar.gz"
    call_command("backup", output=str(backup))
    used = tmp_path / "used"
    assert _cli(used, "migrate").returncode == 0
    before = (used / "masthead.sqlite3").read_bytes()
    done = _cli(used, "restore", str(backup))
    assert done.returncode == 2
    assert "restore needs an empty site" in done.stderr and "nothing was changed" in done.stderr
    assert (used / "masthead.sqlite3").read_bytes() == before


def test_keep_removes_older_backups(site, settings):
    for _ in range(3):
        call_command("backup", keep=2)
        time.sleep(1.1)  # the archive's name carries the second it was made
    assert len(list((settings.DATA_DIR / "backups").glob("masthead-backup-*.tar.gz"))) == 2
