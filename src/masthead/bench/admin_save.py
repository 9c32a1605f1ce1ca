"""`masthead bench admin-save [--json] [--saves N]`: what an editor's article save costs.

Loads the demo newsroom into a fresh SQLite site, signs in an administrator and saves a published
article's change form N times as a browser would (every field the form shows, posted back through
Django's full request stack), reporting the SQL queries of one save and the median and p95 time in
milliseconds. Targets: at most 30 queries, 300 ms.
"""

import argparse
from html.parser import HTMLParser

from .harness import Timer, emit, fresh_site, median, percentile


class _FormFields(HTMLParser):
    """The fields a browser would post from the page's change form."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "file", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox"
                                                   else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def change_form_data(html: str, form_id: str = "article_form") -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.data:
        out.setdefault(name, []).append(value)
    return out


def change_form(client, article, title: str) -> tuple[str, dict]:
    """The address and fields of `article`'s admin change form, as a browser would post them
    back with a new title."""
    url = f"/admin/newsroom/article/{article.pk}/change/"
    data = change_form_data(client.get(url).content.decode())
    data["title"] = [title]
    return url, data


def save_article(client, article, title: str):
    """Post `article`'s change form back with a new title; returns (response, the queries of
    the post, its milliseconds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url, data = change_form(client, article, title)
    with CaptureQueriesContext(connection) as queries, Timer() as t:
        response = client.post(url, data)
    return response, queries.captured_queries, t.seconds * 1000


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="masthead bench admin-save")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--saves", type=int, default=30)
    args = parser.parse_args(argv)
    if args.saves < 1:
        parser.error("--saves must be at least 1")

    with fresh_site():
        from django.contrib.auth import get_user_model
        from django.test import Client

        from masthead.newsroom.demo import load_demo
        from masthead.newsroom.models import Article

        load_demo()
        admin = get_user_model().objects.create_superuser("bench-admin", "b@example.org", "x")
        client = Client()
        client.force_login(admin)
        article = Article.objects.published().exclude(source_name="").first()
        save_article(client, article, article.title)  # warm imports and caches once
        times, counts = [], []
        for n in range(args.saves):
            response, queries, ms = save_article(client, article, f"{article.title} ({n})")
            if response.status_code != 302:
                print(f"masthead: the admin refused the save ({response.status_code})")
                return 1
            times.append(ms)
            counts.append(len(queries))
        result = {
            "queries_per_save": max(counts),
            "save_p50_ms": round(median(times), 2),
            "save_p95_ms": round(percentile(times, 95), 2),
            "saves": args.saves,
        }
    emit(result, args.json, "Admin article save (Django test client, demo newsroom)")
    return 0
