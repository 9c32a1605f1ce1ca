"""`masthead bench scale --articles N [--comments M] [--json]`: does a page cost the same on a big
archive as on a small one?

Builds a throwaway site (a temporary SQLite data dir, or with DATABASE_URL a temporary database on
that PostgreSQL server, dropped afterwards) of N generated articles written with bulk inserts:
nine sections (three of them subsections), fifty authors, two hundred tags, two tags and one
author an article, released over two years, bodies made of paragraphs of the BBC News data set in
../shared/datasets when it is there (synthetic English otherwise). One article gets M approved
comments, a third of them replies. Then it rebuilds the indexes the README names (site search and
related lists), and times single requests through Django's full stack with the page cache off:
the median of 20 for each of home, a section's page 1 and page 50 (its last page when it has
fewer), a tag page, an author page, a month archive, the article with the comments, the main
feed, a sitemap page, a search for a word found in most articles, and an API list.

With --json, one object: a key per page (`home_ms`, ...), `articles`, `comments`, the engine,
and `cpu_ms`, the same medians in CPU time (they leave out waiting for a busy machine's cores).

The target (issue 18): at --articles 100000 --comments 200 every page within twice its time at
--articles 50 --comments 0, and none over 60 ms.
"""

import argparse
import io
import os
import random
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from .harness import Timer, emit, fresh_site, median

REQUESTS = 20
SECTION_DEEP_PAGE = 50
TARGET_MS = 60.0
N_TAGS = 200
N_AUTHORS = 50


@contextmanager
def throwaway_postgres():
    """With DATABASE_URL naming a PostgreSQL database: a fresh database beside it for the run,
    dropped afterwards, so the bench never writes into a real site. Without it: nothing to do."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield False
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    # Named after the database in DATABASE_URL (which need not exist), made and dropped through
    # the server's maintenance database.
    name = f"{config['NAME'] or 'masthead'}_bench_{uuid.uuid4().hex[:8]}"
    admin = {"host": config["HOST"] or None, "port": config["PORT"] or None,
             "user": config["USER"] or None, "password": config["PASSWORD"] or None,
             "dbname": "postgres", "autocommit": True}
    try:
        connection = psycopg.connect(**admin)
    except psycopg.Error as exc:
        print(f"masthead bench scale: cannot reach PostgreSQL at DATABASE_URL: {exc}",
              file=sys.stderr)
        raise SystemExit(2) from None
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield True
    finally:
        os.environ["DATABASE_URL"] = url
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may never have been set up
            pass
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(n_articles: int, n_comments: int, rng: random.Random) -> dict:
    """Write the site with bulk inserts; returns what the timed requests need."""
    from django.db import transaction
    from django.utils import timezone
    from rich.console import Console
    from rich.progress import Progress

    from masthead.comments.models import Comment
    from masthead.comments.rendering import render_comment_html
    from masthead.newsroom.models import Article, Author, Section, Tag

    from .search import _corpus

    titles, paragraphs = _corpus(rng)
    parents = [Section.objects.create(name=f"Desk {i}", slug=f"desk-{i}", position=i)
               for i in range(6)]
    children = [Section.objects.create(name=f"Desk {i} local", slug=f"desk-{i}-local", parent=p)
                for i, p in enumerate(parents[:3])]
    sections = parents + children
    authors = [Author.objects.create(display_name=f"Reporter {i}", slug=f"reporter-{i}")
               for i in range(N_AUTHORS)]
    tags = Tag.objects.bulk_create([Tag(name=f"Topic {i}", slug=f"topic-{i}")
                                    for i in range(N_TAGS)])
    now = timezone.now()
    span = timedelta(days=730).total_seconds()
    batch_size = 2000
    Tagging, Byline = Article.tags.through, Article.authors.through
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"Writing {n_articles:,} articles", total=n_articles)
        for start in range(0, n_articles, batch_size):
            count = min(batch_size, n_articles - start)
            rows = []
            for i in range(start, start + count):
                body = rng.sample(paragraphs, rng.randint(3, 7))
                published = now - timedelta(seconds=span * (1 - (i + 1) / n_articles)) \
                    - timedelta(seconds=60 + rng.random() * 600)
                rows.append(Article(
                    title=rng.choice(titles), slug=f"bench-{i}", dek=body[0][:160],
                    body="\n\n".join(body), body_html="".join(f"<p>{p}</p>" for p in body),
                    section=rng.choice(sections), status=Article.Status.PUBLISHED,
                    published_at=published, first_published_at=published,
                    importance=rng.randint(1, 5),
                ))
            with transaction.atomic():
                Article.objects.bulk_create(rows)
                Byline.objects.bulk_create(
                    [Byline(article_id=a.pk, author_id=rng.choice(authors).pk) for a in rows])
                Tagging.objects.bulk_create(
                    [Tagging(article_id=a.pk, tag_id=t.pk)
                     for a in rows for t in rng.sample(tags, 2)])
            progress.update(task, advance=count)

    # The article with the thread: the newest but one, as a busy story of the day would be.
    article = Article.objects.order_by("-published_at")[1:2].get()
    comments = []
    for i in range(n_comments):
        text = " ".join(rng.sample(paragraphs, 1))[:600]
        comments.append(Comment(
            article=article, author=f"Reader {i}", author_email=f"reader{i}@example.org",
            text=text, text_html=render_comment_html(text), status=Comment.Status.APPROVED,
            created_at=article.published_at + timedelta(minutes=i + 1),
        ))
    Comment.objects.bulk_create(comments)
    replies = [(c, comments[rng.randrange(i)]) for i, c in enumerate(comments) if i and i % 3 == 0]
    for reply, parent in replies:
        reply.parent_id = parent.pk
    Comment.objects.bulk_update([r for r, _ in replies], ["parent"])
    return {"article": article, "sections": sections, "tags": tags, "authors": authors}


def rebuild_indexes() -> None:
    """What the README says to run after a bulk import: the search index and related lists."""
    from django.core.management import call_command
    from django.db import connection

    quiet = io.StringIO()  # the commands' reports would spoil --json
    call_command("search_index", "--rebuild", verbosity=0, stdout=quiet)
    call_command("rebuild_related", "--no-progress", verbosity=0, stdout=quiet)
    if connection.vendor == "postgresql":
        # What autovacuum does on a live site after a bulk load: planner statistics, and the
        # visibility map that lets counts read indexes alone. (SQLite plans without statistics,
        # as a site that never ran ANALYZE does.)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def urls(world: dict) -> dict:
    from django.conf import settings

    from masthead.newsroom.models import Article

    section = world["sections"][0]
    in_section = Article.objects.published().filter(section__in=[section, *section.children.all()])
    pages = max(1, -(-in_section.count() // settings.MASTHEAD_PAGE_SIZE))
    article = world["article"]
    newest = Article.objects.published().order_by("-published_at").first()
    return {
        "home_ms": "/",
        "section_p1_ms": section.get_absolute_url(),
        "section_p50_ms": f"{section.get_absolute_url()}?page={min(SECTION_DEEP_PAGE, pages)}",
        "tag_ms": world["tags"][0].get_absolute_url(),
        "author_ms": world["authors"][0].get_absolute_url(),
        "archive_ms": f"/{newest.published_at:%Y/%m}/",
        "article_comments_ms": article.get_absolute_url(),
        "feed_ms": "/feed/",
        "sitemap_ms": "/sitemap-articles.xml",
        "search_ms": "/search/?q=said",
        "api_ms": "/api/v1/articles/",
    }


def time_pages(targets: dict) -> tuple[dict, dict]:
    """({key: median wall ms}, {key: median CPU ms}). The CPU figure leaves out waiting for a
    busy machine's cores; compare it when the load average is high."""
    from django.test import Client, override_settings

    client = Client()
    result, cpu = {}, {}
    with override_settings(MASTHEAD_PAGE_CACHE_SECONDS=0):
        for key, url in targets.items():
            for _ in range(2):  # imports, settings rows, connection: not what is measured
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            times, cpu_times = [], []
            for _ in range(REQUESTS):
                started = time.process_time()
                with Timer() as t:
                    client.get(url)
                cpu_times.append((time.process_time() - started) * 1000)
                times.append(t.seconds * 1000)
            result[key] = round(median(times), 2)
            cpu[key] = round(median(cpu_times), 2)
    return result, cpu


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench scale")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.articles < 2:
        parser.error("--articles must be at least 2")
    if args.comments < 0:
        parser.error("--comments must not be negative")
    rng = random.Random(args.seed)

    with throwaway_postgres() as on_postgres, fresh_site(keep_env_db=on_postgres):
        from django.db import connection

        with Timer() as build_time:
            world = build(args.articles, args.comments, rng)
            rebuild_indexes()
        result, cpu = time_pages(urls(world))
        result.update(articles=args.articles, comments=args.comments, engine=connection.vendor,
                      cpu_ms=cpu,
                      build_seconds=round(build_time.seconds, 1),
                      load_average=round(os.getloadavg()[0], 2))
        connection.close()
    emit(result, args.json,
         f"Page times, median of {REQUESTS} uncached requests, {args.articles:,} articles "
         f"({result['engine']})")
    return 0
