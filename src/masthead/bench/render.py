"""`masthead bench render [--json] [--requests N]`: how long the site takes to render its pages.

Loads the demo newsroom into a fresh SQLite site and renders the home page, an article page and a
section page N times each through Django's full request stack (middleware, URL routing, queries,
templates; no network), reporting the median and p95 in milliseconds: first with the anonymous
page cache off (every request renders), then with it on (what readers mostly get).
"""

import argparse

from .harness import Timer, emit, fresh_site, median, percentile


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench render")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    with fresh_site():
        from django.test import Client

        from masthead.newsroom.demo import load_demo
        from masthead.newsroom.models import Article

        load_demo()
        article = Article.objects.published().exclude(source_name="").first()
        urls = {"home": "/", "article": article.get_absolute_url(),
                "section": article.section.get_absolute_url()}
        from django.test import override_settings

        client = Client()
        result = {}
        for mode, seconds in (("rendered", 0), ("cached", 300)):
            with override_settings(MASTHEAD_PAGE_CACHE_SECONDS=seconds):
                for name, url in urls.items():
                    client.get(url)  # warm imports, settings rows and the cache once
                    client.get(url)
                    times = []
                    for _ in range(args.requests):
                        with Timer() as t:
                            response = client.get(url)
                        assert response.status_code == 200, (url, response.status_code)
                        times.append(t.seconds * 1000)
                    result[f"{name}_{mode}_p50_ms"] = round(median(times), 2)
                    result[f"{name}_{mode}_p95_ms"] = round(percentile(times, 95), 2)
        result["requests_per_page"] = args.requests
    emit(result, args.json, "Page render time (Django test client, demo newsroom)")
    return 0
