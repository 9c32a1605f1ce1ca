"""`masthead build-spam-starter` and `masthead bench spam` as a user runs them, and the corpus
reader behind them (on small made-up sources in each documented source's shape)."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.antispam.corpus import load_corpus, missing_sources
from masthead.antispam.dataset import DatasetError
from masthead.antispam.decision import SpamFilter
from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS


@pytest.fixture
def tiny_dataset(tmp_path):
    """Three "videos" of made-up comments in the YouTube Spam Collection's shape."""
    folder = tmp_path / "comment-spam"
    folder.mkdir()
    for v in range(3):
        rows = ["COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS"]
        for i, text in enumerate(SPAM_TEXTS):
            rows.append(f'{v}s{i},spammer{i},,"{text} v{v}",1')
        for i, text in enumerate(HAM_TEXTS):
            rows.append(f'{v}h{i},reader{i},,"{text} ({v})",0')
        (folder / f"Youtube0{v + 1}-Video{v}.csv").write_text("\n".join(rows), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_sources(tmp_path, tiny_dataset):
    """Four sources in their published shapes: YouTube, SMS Spam Collection, Telegram samples,
    Indonesian SMS (made-up texts)."""
    sms = tmp_path / "sms-spam-collection"
    sms.mkdir()
    (sms / "SMSSpamCollection").write_text("\n".join(
        [f"spam\tURGENT! You won a prize {i}, call 0800123456{i % 10} now" for i in range(12)]
        + [f"ham\tSee you at the station at {i} o'clock, love" for i in range(12)]),
        encoding="utf-8")
    telegram = tmp_path / "tg-spam-samples"
    telegram.mkdir()
    (telegram / "spam-samples.txt").write_text("\n".join(
        f"Заработок {i}00$ в день, пиши в t.me/bot{i}" for i in range(12)), encoding="utf-8")
    (telegram / "ham-samples.txt").write_text("\n".join(
        f"Кто-нибудь пробовал версию {i}? У меня не собирается" for i in range(12)),
        encoding="utf-8")
    indonesian = tmp_path / "indonesian-sms"
    indonesian.mkdir()
    (indonesian / "dataset_sms_spam_v1.csv").write_text("\n".join(
        ["Teks,label"] + [f"Selamat anda menang undian {i} juta hub 08123{i}45,1" for i in range(8)]
        + [f"Promo kuota {i}GB hanya Rp {i}0rb,2" for i in range(6)]
        + [f"Nanti sore aku jemput jam {i} ya,0" for i in range(12)]), encoding="utf-8")
    return [tiny_dataset, sms, telegram, indonesian]


def test_the_corpus_reads_each_source_as_a_domain(tiny_sources):
    domains = load_corpus(tiny_sources)
    assert list(domains) == ["youtube-comments-en", "sms-en", "telegram-groups-ru-en", "sms-id"]
    assert sum(label for _, label in domains["sms-id"]) == 14  # fraud and promotion are spam
    assert "chinese-chat-spam" in missing_sources(tiny_sources)


def test_the_corpus_refuses_what_it_cannot_read(tmp_path, tiny_dataset):
    with pytest.raises(DatasetError, match="not a directory"):
        load_corpus([tmp_path / "nowhere"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="none of the documented sources"):
        load_corpus([tmp_path / "empty"])
    with pytest.raises(DatasetError, match="given twice"):
        load_corpus([tiny_dataset, tiny_dataset])
    broken = tmp_path / "indonesian-sms"
    broken.mkdir()
    (broken / "dataset_sms_spam_v1.csv").write_text("Teks,label\nhalo,0\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="both spam and ham"):
        load_corpus([broken])


def test_build_starter_writes_a_loadable_model(tiny_sources, tmp_path, capsys):
    out = tmp_path / "starter.npz"
    call_command("build_spam_starter", dataset=[str(d) for d in tiny_sources], output=str(out),
                 no_progress=True)
    spam_filter = SpamFilter.from_bytes(out.read_bytes())
    assert spam_filter.model.examples_seen == 72 + 24 + 24 + 26
    captured = capsys.readouterr()
    assert "from 4 domains" in captured.out
    assert "not given" in captured.err and "vispam-reviews" in captured.err
    again = tmp_path / "again.npz"
    call_command("build_spam_starter", dataset=[str(d) for d in tiny_sources],
                 output=str(again), no_progress=True)
    assert again.read_bytes() == out.read_bytes()  # reproducible


def test_build_starter_bad_dataset(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("build_spam_starter", dataset=[str(tmp_path / "nope")], no_progress=True)


def run_bench(*args):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "MASTHEAD_DATA_DIR"}}
    return subprocess.run([sys.executable, "-m", "masthead.cli", "bench", "spam", *args],
                          capture_output=True, text=True, env=env, timeout=600)


KEYS = {"spam_caught", "ham_false_positive_rate", "ham_held_rate", "p50_ms", "p99_ms"}


def test_bench_prints_one_json_object_with_exactly_the_keys(tiny_dataset):
    result = run_bench("--dataset", str(tiny_dataset), "--json", "--no-progress")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == KEYS | {"accuracy"}
    for key in ["accuracy", "spam_caught", "ham_false_positive_rate", "ham_held_rate"]:
        assert 0 <= data[key] <= 1
    assert data["accuracy"] > 0.8


def test_bench_cross_domain_with_a_learning_curve(tiny_sources):
    result = run_bench("--cross-domain", "--learning-curve", "--json", "--no-progress",
                       "--dataset", *map(str, tiny_sources))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == KEYS | {"domains", "learning_curve"}
    assert set(data["domains"]) == {"youtube-comments-en", "sms-en", "telegram-groups-ru-en",
                                    "sms-id"}
    for figures in data["domains"].values():
        assert set(figures) == KEYS and 0 <= figures["ham_held_rate"] <= 1
    for curve in data["learning_curve"].values():
        assert list(curve) == ["0", "20", "50", "100"]
    table = run_bench("--cross-domain", "--no-progress", "--dataset", *map(str, tiny_sources))
    assert table.returncode == 0 and "sms-id" in table.stdout


@pytest.mark.parametrize("args, message", [
    (["--dataset", "/nonexistent/dir", "--json"], "not a directory"),
    (["--cross-domain", "--dataset", "/nonexistent/dir"], "not a directory"),
    (["--learning-curve", "--dataset", "/tmp"], "needs --cross-domain"),
    ([], "required"),
])
def test_bench_bad_arguments_get_a_clear_message_and_exit_2(args, message):
    result = run_bench(*args)
    assert result.returncode == 2
    assert result.stdout == "" and message in result.stderr
