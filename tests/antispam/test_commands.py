"""`masthead build_spam_starter` and `masthead bench spam` as a user runs them."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.antispam.decision import SpamFilter
from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS


@pytest.fixture
def tiny_dataset(tmp_path):
    """Three "videos" of made-up comments in the YouTube Spam Collection's shape."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    for v in range(3):
        rows = ["COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS"]
        for i, text in enumerate(SPAM_TEXTS):
            rows.append(f'{v}s{i},spammer{i},,"{text} v{v}",1')
        for i, text in enumerate(HAM_TEXTS):
            rows.append(f'{v}h{i},reader{i},,"{text} ({v})",0')
        (folder / f"Youtube0{v + 1}-Video{v}.csv").write_text("\n".join(rows), encoding="utf-8")
    return folder


def test_build_starter_writes_a_loadable_model(tiny_dataset, tmp_path, capsys):
    out = tmp_path / "starter.joblib"
    call_command("build_spam_starter", dataset=str(tiny_dataset), output=str(out),
                 no_progress=True)
    spam_filter = SpamFilter.from_bytes(out.read_bytes())
    assert spam_filter.model.examples_seen == 3 * (len(SPAM_TEXTS) + len(HAM_TEXTS))
    assert "trained on 72 comments" in capsys.readouterr().out


def test_build_starter_bad_dataset(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("build_spam_starter", dataset=str(tmp_path / "nope"), no_progress=True)


def run_bench(*args):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MASTHEAD_DATA_DIR"}}
    return subprocess.run([sys.executable, "-m", "masthead.cli", "bench", "spam", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_bench_prints_one_json_object_with_exactly_the_keys(tiny_dataset):
    result = run_bench("--dataset", str(tiny_dataset), "--json", "--no-progress")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"accuracy", "spam_caught", "ham_false_positive_rate", "ham_held_rate",
                         "p50_ms", "p99_ms"}
    for key in ["accuracy", "spam_caught", "ham_false_positive_rate", "ham_held_rate"]:
        assert 0 <= data[key] <= 1
    assert data["accuracy"] > 0.8


def test_bench_bad_dataset_is_one_line_and_exit_2(tmp_path):
    result = run_bench("--dataset", str(tmp_path / "missing"), "--json")
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert "not a directory" in result.stderr
    assert run_bench().returncode == 2
