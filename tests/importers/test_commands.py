"""The commands as a user runs them: import-wxr (with --dry-run, --download-media and
--train-spam), export-wxr, and the bad inputs each must refuse with one clear line."""

import http.server
import subprocess
import sys
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masthead.comments.models import Comment
from masthead.importers.models import ImportedAttachment
from masthead.newsroom.models import Article
from tests.conftest import free_port

from .conftest import PREVIEW, comment_xml, item_xml, wxr

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_prints_a_summary_by_kind(tmp_path):
    output = run("import_wxr", str(PREVIEW))
    assert "Imported from https://wp-themes.com" in output
    assert "article" in output and "7" in output and "warnings:" in output
    output = run("import_wxr", str(PREVIEW))
    assert "unchanged" in output


def test_dry_run_says_so_and_writes_nothing():
    output = run("import_wxr", str(PREVIEW), "--dry-run")
    assert "Dry run: nothing was written" in output
    assert not Article.objects.exists()


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("<rss><channel><item>", "truncated"),
    ("<html/>", "not a WordPress export"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "export.xml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("import_wxr", str(path))
    assert not Article.objects.exists()


def test_the_masthead_command_takes_hyphenated_words(tmp_path, capsys):
    from masthead import cli

    assert cli.main(["--data-dir", str(tmp_path), "import-wxr", "--help"]) == 0
    assert "usage: masthead import-wxr" in capsys.readouterr().out


def test_a_malformed_file_is_one_line_and_a_failing_exit(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(wxr(item_xml(1, "One")).replace("</item>", "</itme>", 1))
    result = subprocess.run(
        [sys.executable, "-m", "masthead.cli", "--data-dir", str(tmp_path / "site"),
         "import-wxr", str(bad)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "line " in lines[0] and "nothing was imported" in lines[0]
    assert "Traceback" not in result.stderr


class _Files(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server spelling)
        if self.path == "/uploads/photo.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(b"\xff\xd8\xff not really a jpeg")
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def file_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_media_fetches_what_it_can_file_by_file(tmp_path, file_server, settings):
    photo = f"{file_server}/uploads/photo.jpg"
    gone = f"{file_server}/uploads/gone.jpg"
    unreachable = f"http://127.0.0.1:{free_port()}/uploads/x.jpg"  # nothing listens there
    text = wxr(
        item_xml(5, "Photo", post_type="attachment", status="inherit", attachment_url=photo),
        item_xml(6, "Gone", post_type="attachment", status="inherit", attachment_url=gone),
        item_xml(7, "Far", post_type="attachment", status="inherit", attachment_url=unreachable),
        item_xml(10, "Story", content=f'<p><img src="{photo}" alt="x"></p>',
                 meta=[("_thumbnail_id", "5")]),
    )
    path = tmp_path / "export.xml"
    path.write_text(text)
    output = run("import_wxr", str(path), "--download-media")
    assert "media: 1 downloaded, 0 already here, 2 failed" in output
    assert "HTTP 404" in output
    fetched = ImportedAttachment.objects.get(url=photo)
    assert fetched.file and fetched.file.read().startswith(b"\xff\xd8")
    assert ImportedAttachment.objects.get(url=gone).download_error == "HTTP 404"
    assert ImportedAttachment.objects.get(url=unreachable).download_error
    story = Article.objects.get(title="Story")
    assert story.featured_image.name == fetched.file.name
    assert photo not in story.body and fetched.file.url in story.body_html
    again = run("import_wxr", str(path), "--download-media")
    assert "media: 0 downloaded, 1 already here, 2 failed" in again


def test_train_spam_teaches_the_model_with_imported_decisions(tmp_path):
    from masthead.antispam.models import SpamModelVersion

    comments = "".join(comment_xml(i, approved="spam", content=f"Buy cheap pills now {i} "
                                   "http://pills.example") for i in range(1, 4))
    comments += "".join(comment_xml(i, content=f"Thoughtful reply about the harbour {i}")
                        for i in range(4, 7))
    comments += comment_xml(7, approved="0")
    path = tmp_path / "export.xml"
    path.write_text(wxr(item_xml(10, "Story", comments=comments)))
    output = run("import_wxr", str(path), "--train-spam")
    assert "learned from 3 spam and 3 approved comments" in output
    latest = SpamModelVersion.objects.order_by("-version").first()
    assert latest.source == SpamModelVersion.Source.FEEDBACK
    assert set(Comment.objects.values_list("trained_as", flat=True)) == {"spam", "ham", ""}
    again = run("import_wxr", str(path), "--train-spam")
    assert "learned from 0 spam and 0 approved" in again  # nothing is taught twice


def test_export_command(tmp_path):
    run("import_wxr", str(PREVIEW))
    target = tmp_path / "site.xml"
    output = run("export_wxr", str(target), "--base-url", "https://new.example.org")
    assert "7 posts" in output and "2 comments" in output
    assert target.read_text().count("<item>") >= 7
    assert not (tmp_path / "site.xml.partial").exists()
    with pytest.raises(CommandError, match="does not exist"):
        run("export_wxr", str(tmp_path / "no" / "such" / "dir.xml"))


@pytest.mark.parametrize("command", [["import_wxr", str(PREVIEW), "--dry-run"],
                                     ["export_wxr", "out.xml"],
                                     ["import_feed", "feed.xml", "--section", "x"]])
def test_an_unmigrated_site_is_told_to_migrate(command, monkeypatch, tmp_path):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    with pytest.raises(CommandError, match="run `masthead migrate`"):
        run(*command)


def test_importing_into_a_new_data_dir_sets_the_site_up_itself(tmp_path):
    """As a new user would: no `masthead migrate` first."""
    import os
    import sqlite3
    import subprocess
    import sys

    data_dir = tmp_path / "new-site"
    env = {**os.environ, "MASTHEAD_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "masthead.cli", "import-wxr", str(PREVIEW)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "Imported from" in done.stdout
    databases = list(data_dir.glob("*.sqlite3"))
    assert len(databases) == 1
    with sqlite3.connect(databases[0]) as db:
        assert db.execute("SELECT count(*) FROM newsroom_article").fetchone() == (7,)
