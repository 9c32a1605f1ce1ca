"""The commands as a user runs them: `masthead rebuild-related` and `masthead bench related`."""

import json
import os
import subprocess
import sys
import time

import pytest

from masthead.bench import related as bench

from .conftest import TOPICS, body_for


def masthead(*args, timeout=240):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["MASTHEAD_RELATED_SEMANTIC"] = "off"
    return subprocess.run([sys.executable, "-m", "masthead.cli", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_rebuild_related_on_a_new_site(tmp_path):
    result = masthead("--data-dir", str(tmp_path), "migrate", "-v0")
    assert result.returncode == 0, result.stderr
    result = masthead("--data-dir", str(tmp_path), "rebuild-related")
    assert result.returncode == 0, result.stderr
    assert "Related index rebuilt: 0 articles" in result.stdout


def test_bench_prints_the_named_keys(tmp_path):
    with (tmp_path / "bbc-news.jsonl").open("w") as f:
        for topic in TOPICS:
            for i in range(6):
                f.write(json.dumps({"id": f"{topic}-{i}", "category": topic,
                                    "title": f"{topic} {i}", "body": body_for(topic, i)}) + "\n")
    result = masthead("bench", "related", "--dataset", str(tmp_path), "--json", "--updates", "3")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in ("precision_at_5", "build_seconds", "update_p50_ms", "update_p99_ms",
                "peak_memory_mb", "build_cpu_seconds", "workers_peak_memory_mb"):
        assert isinstance(figures[key], (int, float)), key
    assert figures["precision_at_5"] > 0.9
    assert figures["workers_peak_memory_mb"] == 0  # 18 articles: counted in the process itself


def test_worker_memory_is_sampled_from_child_processes():
    from concurrent.futures import ProcessPoolExecutor

    from masthead.bench.related import WorkerMemory
    from masthead.related.engine import terms

    texts = [body_for(topic, i) for topic in TOPICS for i in range(200)]
    with WorkerMemory() as workers, ProcessPoolExecutor(1) as pool:
        pool.submit(terms.count_terms, texts).result()
        time.sleep(2 * WorkerMemory.INTERVAL)
    assert workers.peak_mb > 1  # a worker's own pages: its imports, the texts, the counts


@pytest.mark.parametrize("argv, message", [
    ([], "give --dataset DIR or --synthetic N"),
    (["--dataset", "/nonexistent", "--synthetic", "10"], "give --dataset DIR or --synthetic N"),
    (["--dataset", "/nonexistent"], "no bbc-news.jsonl in /nonexistent"),
    (["--synthetic", "3"], "needs at least 10"),
    (["--synthetic", "10", "--updates", "0"], "--updates must be at least 1"),
])
def test_bench_refuses_bad_arguments_in_one_line(argv, message, capsys):
    assert bench.run(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_bench_refuses_a_malformed_dataset(tmp_path, capsys):
    (tmp_path / "bbc-news.jsonl").write_text('{"title": "no body"}\n')
    assert bench.run(["--dataset", str(tmp_path)]) == 2
    assert "not a news record" in capsys.readouterr().err
