"""The `masthead` command: data dir handling, flags, and one clear line for every mistake."""

import os
import subprocess
import sys

import pytest

from masthead.cli import main


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "masthead.cli", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_unwritable_data_dir_is_one_line_and_exit_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root ignores modes)")
        assert main(["--data-dir", str(locked), "serve"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "not writable" in err
    finally:
        locked.chmod(0o700)


def test_data_dir_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["--data-dir", str(f), "serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a directory" in err


def test_data_dir_that_cannot_be_created(capsys):
    assert main(["--data-dir", "/proc/masthead-cannot-exist/x", "serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("masthead: cannot create data dir") and err.count("\n") == 1


@pytest.mark.parametrize("args,message", [
    (["serve", "--port", "abc"], "--port must be a number"),
    (["serve", "--port", "70000"], "--port must be between"),
    (["serve", "--port"], "--port needs a value"),
    (["bench", "nonsense"], "unknown benchmark"),
])
def test_bad_flags(tmp_path, capsys, args, message):
    assert main(["--data-dir", str(tmp_path), *args]) == 2
    assert message in capsys.readouterr().err


def test_django_commands_work_with_the_same_settings(tmp_path):
    result = run_cli("--data-dir", str(tmp_path / "site"), "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "masthead.sqlite3").exists()
    assert (tmp_path / "site" / "secret_key").exists()
    # The environment variable works as well as the flag.
    result = run_cli("showmigrations", "newsroom",
                     env={"MASTHEAD_DATA_DIR": str(tmp_path / "site")})
    assert result.returncode == 0 and "[X] 0001_initial" in result.stdout


def test_sqlite_runs_in_wal_mode(tmp_path):
    run_cli("--data-dir", str(tmp_path), "migrate", "--noinput")
    import sqlite3

    mode = sqlite3.connect(tmp_path / "masthead.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


@pytest.mark.django_db
def test_demo_loads_a_newsroom_once_and_keeps_data(capsys):
    from masthead.newsroom.demo import load_demo
    from masthead.newsroom.models import Article, Author, Page, Section

    assert load_demo(out=sys.stdout) is True
    printed = capsys.readouterr().out
    assert "password:" in printed
    live = Article.objects.published()
    assert live.count() >= 40
    assert Section.objects.filter(parent__isnull=True).count() >= 4
    assert Author.objects.count() >= 3
    assert live.exclude(source_name="").exists() and live.exclude(translation_of=None).exists()
    assert Article.objects.filter(status=Article.Status.SCHEDULED).count() == 1
    assert Page.objects.filter(slug="privacy-policy").exists()

    count = Article.objects.count()
    assert load_demo(out=sys.stdout) is False
    assert "password:" not in capsys.readouterr().out
    assert Article.objects.count() == count
