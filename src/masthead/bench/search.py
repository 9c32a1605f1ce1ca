"""`masthead bench search [--json] [--articles N] [--queries N] [--seed S]`: site search latency.

Builds a fresh SQLite site with N articles (100,000 by default): bodies are paragraphs of the BBC
News data set in shared/datasets when it is there (synthetic English otherwise), one article in
fifty in Chinese, spread over two years, sections and fifty authors. Then it runs a mix of reader
queries through the same call the search page makes (count, rank, highlight, load the articles):
single words, pairs, phrases, prefixes, filters by section, author and date, Chinese, and words
found in nearly every article. It reports the median and p95 latency in milliseconds against the
target (p95 under 50 ms), wall-clock and CPU time (the CPU figure leaves out waiting for cores
on a busy machine; the load average is printed beside it), and the same for whole /search/ pages.
"""

import argparse
import json
import os
import random
import re
import time
from datetime import timedelta
from pathlib import Path

from .harness import Timer, emit, fresh_site, median, percentile

TARGET_P95_MS = 50.0
BBC = Path(__file__).resolve().parents[3].parent / "shared" / "datasets" / "news" / "bbc-news.jsonl"
CHINESE = ["北京", "上海", "港口", "政府", "经济", "发展", "市场", "城市", "新闻", "天气", "交通",
           "学校", "医院", "公司", "技术", "今天", "宣布", "计划", "增长", "渡轮", "码头", "工人"]
SYNTHETIC = ("harbour council ferry storm market election school hospital budget river bridge "
             "police court football rowing festival museum railway airport fishing weather "
             "company workers shares growth minister report").split()
COMMON = ["said", "the year", "people"]


def _corpus(rng):
    """(titles, paragraphs) to build articles from."""
    if BBC.exists():
        rows = [json.loads(line) for line in BBC.read_text("utf-8").splitlines() if line.strip()]
        paragraphs = [p.strip() for r in rows for p in r["body"].split("\n\n") if p.strip()]
        return [r["title"] for r in rows], paragraphs
    titles = [" ".join(rng.choices(SYNTHETIC, k=5)).capitalize() for _ in range(2000)]
    paragraphs = [" ".join(rng.choices(SYNTHETIC, k=60)) + "." for _ in range(8000)]
    return titles, paragraphs


def _chinese(rng, n):
    return "".join(rng.choice(CHINESE) for _ in range(n)) + "。"


def build(n_articles: int, rng: random.Random) -> dict:
    """Create the articles with bulk inserts and index them in batches; returns what queries
    need to know (sections, authors, vocabulary)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from rich.progress import Progress

    from masthead.discovery import site_search
    from masthead.discovery.search import SearchDocument
    from masthead.newsroom.models import Article, Author, Section

    titles, paragraphs = _corpus(rng)
    parents = [Section.objects.create(name=f"Desk {i}", slug=f"desk-{i}") for i in range(6)]
    children = [Section.objects.create(name=f"Desk {i} local", slug=f"desk-{i}-local", parent=p)
                for i, p in enumerate(parents[:3])]
    sections = parents + children
    authors = [Author.objects.create(display_name=f"Reporter {i}", slug=f"reporter-{i}")
               for i in range(50)]
    index = site_search.backend_for()
    now = timezone.now()
    span = timedelta(days=730).total_seconds()
    batch_size = 2000
    with Progress(transient=True) as progress:
        task = progress.add_task(f"Writing and indexing {n_articles:,} articles", total=n_articles)
        for start in range(0, n_articles, batch_size):
            count = min(batch_size, n_articles - start)
            rows, bylines = [], []
            for i in range(start, start + count):
                if i % 50 == 49:
                    title = _chinese(rng, 4).rstrip("。")
                    body = [_chinese(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5))]
                    language = "zh"
                else:
                    title = rng.choice(titles)
                    body = rng.sample(paragraphs, rng.randint(3, 7))
                    language = "en"
                section = rng.choice(sections)
                published = now - timedelta(seconds=span * (1 - i / n_articles)) \
                    - timedelta(seconds=rng.random() * 600)
                article = Article(
                    title=title, slug=f"bench-{i}", dek=body[0][:160], language=language,
                    body="\n\n".join(body), body_html="".join(f"<p>{p}</p>" for p in body),
                    section=section, status=Article.Status.PUBLISHED, published_at=published,
                    first_published_at=published,
                )
                rows.append(article)
                bylines.append(rng.choice(authors))
            with transaction.atomic():
                Article.objects.bulk_create(rows)
                Article.authors.through.objects.bulk_create([
                    Article.authors.through(article_id=a.pk, author_id=b.pk)
                    for a, b in zip(rows, bylines, strict=True)
                ])
                documents = [SearchDocument(
                    id=a.pk, title=a.title, summary=a.dek,
                    body=site_search.html_to_text(a.body_html), published_at=a.published_at,
                    section_id=a.section_id, parent_section_id=a.section.parent_id,
                    author_ids=(b.pk,)) for a, b in zip(rows, bylines, strict=True)]
                with connection.cursor() as cursor:
                    index.upsert(cursor, documents)
            progress.update(task, advance=count)
        progress.add_task("Merging the index", total=None)
        with connection.cursor() as cursor:
            index.optimize(cursor)
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)})
    return {"sections": sections, "authors": authors, "words": words, "titles": titles,
            "now": now}


def query_mix(world: dict, n: int, rng: random.Random) -> list[tuple[str, dict]]:
    """(query text, filters) as readers would send them."""
    words, titles, now = world["words"], world["titles"], world["now"]
    out = []
    for i in range(n):
        kind = i % 20
        filters = {}
        if kind < 7:
            text = rng.choice(words)
        elif kind < 10:
            text = f"{rng.choice(words)} {rng.choice(words)}"
        elif kind < 12:
            title_words = re.findall(r"[A-Za-z]{3,}", rng.choice(titles))
            j = rng.randrange(max(1, len(title_words) - 1))
            text = '"' + " ".join(title_words[j : j + 2]) + '"'
        elif kind < 13:
            text = rng.choice(words)[:4] + "*"
        elif kind < 14:
            text, filters = rng.choice(words), {"section_id": rng.choice(world["sections"]).pk}
        elif kind < 15:
            text, filters = rng.choice(words), {"author_id": rng.choice(world["authors"]).pk}
        elif kind < 16:
            text = rng.choice(words)
            filters = {"since": now - timedelta(days=rng.randint(30, 400)), "until": now}
        elif kind < 18:
            text = rng.choice(CHINESE) + (rng.choice(CHINESE) if kind == 17 else "")
        else:
            text = rng.choice(COMMON)
        out.append((text, filters))
    return out


def _timed(fn):
    """(wall ms, CPU ms) of one call. CPU time leaves out waiting for a busy machine's cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench search")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.articles < 100:
        parser.error("--articles must be at least 100")
    if args.queries < 20:
        parser.error("--queries must be at least 20")
    rng = random.Random(args.seed)

    with fresh_site():
        from django.test import Client, override_settings

        from masthead.discovery import site_search

        with Timer() as build_time:
            world = build(args.articles, rng)
        queries = query_mix(world, args.queries, rng)
        for text, filters in queries[:20]:  # warm the page cache and imports
            site_search.search(text, **filters)
        wall, cpu, slowest = [], [], []
        for text, filters in queries:
            found = []
            w, c = _timed(lambda: found.append(site_search.search(text, **filters)))  # noqa: B023
            wall.append(w)
            cpu.append(c)
            slowest.append((w, text, found[0].total))
        # Whole pages, rendered each time (the anonymous page cache would otherwise answer).
        client = Client(HTTP_HOST="localhost")
        page_wall = []
        with override_settings(MASTHEAD_PAGE_CACHE_SECONDS=0):
            for text, _ in queries[: max(20, args.queries // 4)]:
                with Timer() as t:
                    response = client.get("/search/", {"q": text})
                assert response.status_code == 200, response.status_code
                page_wall.append(t.seconds * 1000)
    slowest.sort(reverse=True)
    result = {
        "articles": args.articles,
        "queries": len(wall),
        "build_seconds": round(build_time.seconds, 1),
        "search_p50_ms": round(median(wall), 2),
        "search_p95_ms": round(percentile(wall, 95), 2),
        "search_max_ms": round(max(wall), 2),
        "search_cpu_p50_ms": round(median(cpu), 2),
        "search_cpu_p95_ms": round(percentile(cpu, 95), 2),
        "page_p50_ms": round(median(page_wall), 2),
        "page_p95_ms": round(percentile(page_wall, 95), 2),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": percentile(wall, 95) < TARGET_P95_MS,
        "load_average": round(os.getloadavg()[0], 2),
        "slowest": [f"{text} ({total} hits): {ms:.1f} ms" for ms, text, total in slowest[:3]],
    }
    emit(result, args.json, f"Site search latency, SQLite FTS5, {args.articles:,} articles")
    return 0
