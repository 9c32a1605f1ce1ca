"""`masthead bench related --dataset DIR [--json] [--synthetic N] [--updates M]`

Loads the labelled BBC news corpus (DIR/bbc-news.jsonl) into a fresh site with no sections and no
tags, builds the related index with the code `masthead rebuild_related` runs, and measures:
  precision_at_5   share of each article's first 5 related articles (as the page reads them)
                   that have its category, averaged over all articles
  build_seconds    the full build
  update_p50_ms / update_p99_ms   one new article added to the index (what a save triggers)
  peak_memory_mb   the process's peak resident memory; workers_peak_memory_mb adds what the
                   term-counting worker processes of a large build hold beyond the pages they
                   share with it (their private memory, summed, at its highest)
With --synthetic N it does the same on N generated articles (time and memory only).
"""

import argparse
import json
import os
import resource
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from .harness import Timer, emit, fresh_site, median, percentile

DATASET_FILE = "bbc-news.jsonl"
SPREAD_DAYS = 730  # articles get release dates spread over two years, in shuffled order


def _args(argv):
    parser = argparse.ArgumentParser(prog="masthead bench related", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--dataset", help="directory holding bbc-news.jsonl")
    parser.add_argument("--synthetic", type=int, metavar="N", help="generate N articles instead")
    parser.add_argument("--updates", type=int, default=200, metavar="M",
                        help="new articles to time one by one (default 200)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args(argv)


def _load_dataset(directory: str) -> list[dict]:
    path = Path(directory) / DATASET_FILE
    if not path.is_file():
        raise ValueError(f"no {DATASET_FILE} in {directory} (the benchmark datasets are not "
                         "in the repository: they live in ../shared/datasets beside it)")
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    rows.append({"title": row["title"], "body": row["body"],
                                 "category": row["category"]})
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{path}:{n}: not a news record ({exc})") from None
    if len(rows) < 10:
        raise ValueError(f"{path} holds {len(rows)} articles; the benchmark needs at least 10")
    return rows


def run(argv: list[str]) -> int:
    try:
        args = _args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if bool(args.dataset) == bool(args.synthetic):
        print("masthead bench related: give --dataset DIR or --synthetic N", file=sys.stderr)
        return 2
    if args.synthetic is not None and args.synthetic < 10:
        print("masthead bench related: --synthetic needs at least 10 articles", file=sys.stderr)
        return 2
    if args.updates < 1:
        print("masthead bench related: --updates must be at least 1", file=sys.stderr)
        return 2
    try:
        rows = _load_dataset(args.dataset) if args.dataset else None
    except (OSError, ValueError) as exc:
        print(f"masthead bench related: {exc}", file=sys.stderr)
        return 2
    with fresh_site():
        result = _measure(rows, args.synthetic, args.updates)
    emit(result, args.json, "Related articles")
    return 0


def _measure(rows, synthetic: int | None, updates: int) -> dict:
    from masthead import changes
    from masthead.related import build as related_build
    from masthead.related import update
    from masthead.related.engine import synthetic as generated

    now = datetime.now(UTC)
    rng = np.random.default_rng(7)
    if rows is not None:
        source = ((r["title"], r["body"], r["category"]) for r in rows)
        total = len(rows)
    else:
        source = generated.articles(synthetic, seed=1)
        total = synthetic
    with changes.discarded():  # the build below is what is measured, not jobs it would start
        categories = _insert(source, total, now, rng)

    cpu_before = _cpu_seconds()
    with Timer() as build, WorkerMemory() as workers:
        related_build.rebuild()
    build_cpu = _cpu_seconds() - cpu_before
    precision = _precision_at_5(categories) if rows is not None else None

    if rows is not None:
        picks = rng.choice(len(rows), updates, replace=updates > len(rows))
        extra = ((f"Follow-up: {rows[i]['title']}", rows[i]["body"], "") for i in picks)
    else:
        extra = generated.articles(updates, seed=2)
    times = []
    for title, body, _category in extra:
        pk = _insert_one(title, body, now)
        with Timer() as t:
            update.update_articles([pk])
        times.append(t.seconds * 1000)

    result = {"articles": total, "precision_at_5": precision,
              "build_seconds": round(build.seconds, 2),
              # CPU time says what the wall clock cannot on a machine shared with other work
              "build_cpu_seconds": round(build_cpu, 2),
              "update_p50_ms": round(median(times), 2),
              "update_p99_ms": round(percentile(times, 99), 2),
              "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                      1),
              "workers_peak_memory_mb": round(workers.peak_mb, 1)}
    if precision is None:
        result.pop("precision_at_5")
    else:
        result["precision_at_5"] = round(precision, 4)
    return result


class WorkerMemory:
    """Samples the private memory of this process's child processes while a block runs.

    Forked workers share the main process's pages, so their resident size would count those
    twice; their private pages are what they add."""

    INTERVAL = 0.2

    def __enter__(self):
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.wait(self.INTERVAL):
            self.peak_mb = max(self.peak_mb, sum(map(_private_mb, _children())))

    def __repr__(self):
        return f"WorkerMemory(peak_mb={self.peak_mb:.1f})"


def _children() -> list[int]:
    """This process's children, from each process's parent id in /proc."""
    me, pids = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            pids.append(int(stat.parent.name))
    return pids


def _private_mb(pid: int) -> float:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0.0  # gone already, or not Linux
    return sum(int(line.split()[1]) for line in lines
               if line.startswith(("Private_Clean:", "Private_Dirty:"))) / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _insert(source, total: int, now, rng) -> dict[int, str]:
    """Bulk-load articles (no section, no tags) and return each one's category by id."""
    from masthead.newsroom.models import Article

    ages = rng.uniform(1, SPREAD_DAYS * 86400, total)
    categories, batch = [], []
    for i, (title, body, category) in enumerate(source):
        published = now - timedelta(seconds=float(ages[i]))
        batch.append(Article(title=title[:300], slug=f"bench-{i}", body=body,
                             status=Article.Status.PUBLISHED, published_at=published,
                             first_published_at=published))
        categories.append(category)
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    return dict(zip(ids, categories, strict=True))


def _insert_one(title: str, body: str, now) -> int:
    from masthead import changes
    from masthead.newsroom.models import Article

    with changes.discarded():  # the benchmark times the update itself, called below
        article = Article.objects.create(title=title[:300], body=body, published_at=now,
                                         status=Article.Status.PUBLISHED)
    return article.pk


def _precision_at_5(categories: dict[int, str]) -> float:
    """Read each article's block as its page does, and score its first five entries."""
    from masthead.newsroom.models import Article
    from masthead.related.reading import related_view

    shares = []
    for article in Article.objects.filter(pk__in=list(categories)).iterator():
        block = related_view(article).block[:5]
        hits = sum(categories.get(other.pk) == categories[article.pk] for other in block)
        shares.append(hits / 5)
    return float(np.mean(shares))
