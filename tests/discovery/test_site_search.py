"""Site search through Django, on whichever database runs the tests: SQLite's FTS5 by default,
PostgreSQL's full-text search when DATABASE_URL points there (scripts/test runs both)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.discovery import site_search
from masthead.newsroom.models import Article, Section

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def found(text, **kw):
    return [r.article.pk for r in site_search.search(text, **kw).results]


def test_the_engine_matches_the_database():
    backend = site_search.backend_for()
    expected = "PostgresFtsBackend" if connection.vendor == "postgresql" else "SqliteFtsBackend"
    assert type(backend).__name__ == expected


def test_ranked_title_above_body_with_highlights(make_article):
    body_only = make_article(title="Council budget", body="A word about the lighthouse budget.")
    titled = make_article(title="Lighthouse budget approved", body="The council agreed.")
    results = site_search.search("lighthouse").results
    assert [r.article.pk for r in results] == [titled.pk, body_only.pk]
    assert "<mark>Lighthouse</mark>" in results[0].title_html
    assert "<mark>lighthouse</mark>" in results[1].snippet_html


def test_index_follows_publish_edit_and_unpublish_at_once(make_article):
    article = make_article(title="Draft about tides", status=Article.Status.DRAFT)
    assert found("tides") == []
    article.status = Article.Status.PUBLISHED
    article.save()
    assert found("tides") == [article.pk]
    article.title = "Report about currents"
    article.save()
    assert found("tides") == [] and found("currents") == [article.pk]
    article.status = Article.Status.DRAFT
    article.save()
    assert found("currents") == []
    article.status = Article.Status.PUBLISHED
    article.save()
    article.delete()
    assert found("currents") == []


def test_scheduled_articles_are_not_found_before_their_time(make_article):
    release = timezone.now() + timedelta(hours=2)
    article = make_article(title="Embargoed budget leak", published_at=release)
    assert article.status == Article.Status.SCHEDULED
    assert found("embargoed") == []
    assert found("embargoed", now=release + timedelta(seconds=1)) == [article.pk]


def test_chinese_text_is_findable(make_article):
    article = make_article(title="港口城市迎来新渡轮", body="北京市政府今天宣布了新的港口计划。",
                           language="zh")
    make_article(title="Unrelated", body="Nothing in Chinese here.")
    assert found("北京") == [article.pk]
    assert found("港口") == [article.pk]
    assert found("渡轮") == [article.pk]
    result = site_search.search("港口").results[0]
    assert "<mark>港口</mark>" in result.snippet_html + result.title_html


def test_filters_section_author_and_dates(newsroom, make_article):
    n = newsroom
    old = make_article(title="Storm damage in the Baltic", section=n["europe"],
                       published_at=timezone.now() - timedelta(days=40))
    assert set(found("baltic")) == {n["europe_story"].pk, old.pk}
    # The parent section includes its subsection; the subsection only itself.
    assert set(found("baltic", section_id=n["section"].pk)) == {n["europe_story"].pk, old.pk}
    assert found("baltic", section_id=n["sport"].pk) == []
    assert found("baltic", author_id=n["other_author"].pk) == [n["europe_story"].pk]
    ten_days = timezone.now() - timedelta(days=10)
    assert found("baltic", since=ten_days) == [n["europe_story"].pk]
    assert found("baltic", until=ten_days) == [old.pk]


def test_byline_and_section_moves_follow(newsroom, make_article):
    n = newsroom
    story = n["europe_story"]
    story.authors.add(n["author"])
    assert found("ferry", author_id=n["author"].pk) == [story.pk]
    story.authors.remove(n["author"])
    assert found("ferry", author_id=n["author"].pk) == []
    n["author"].articles.add(story)  # from the author's side too
    assert found("ferry", author_id=n["author"].pk) == [story.pk]
    n["author"].articles.clear()
    assert found("ferry", author_id=n["author"].pk) == []
    europe = Section.objects.get(pk=n["europe"].pk)
    europe.parent = n["sport"]
    europe.save()
    assert found("ferry", section_id=n["sport"].pk) == [story.pk]
    assert found("ferry", section_id=n["section"].pk) == []


def test_pagination_and_sorting(make_article):
    now = timezone.now()
    made = [make_article(title=f"Regatta report {i}", published_at=now - timedelta(hours=i))
            for i in range(1, 8)]
    first = site_search.search("regatta", per_page=3, page=1, sort="newest")
    assert first.total == 7 and first.num_pages == 3
    assert [r.article.pk for r in first.results] == [a.pk for a in made[:3]]
    last = site_search.search("regatta", per_page=3, page=3, sort="newest")
    assert [r.article.pk for r in last.results] == [made[6].pk]
    beyond = site_search.search("regatta", per_page=3, page=9)
    assert beyond.total == 7 and beyond.results == []


@pytest.mark.parametrize("text", [
    'lighthouse AND OR NOT', 'NEAR(lighthouse storm)', '"lighthouse', 'lighthouse"" "',
    "'; DROP TABLE newsroom_article; --", "lighthouse' OR 1=1 --", "title:lighthouse",
    "lighthouse*", "-lighthouse", "x" * 10_000, "lighthouse " * 2000, "()[]{}^~:\\", "%", "_",
    "", "   ", "北京 AND 上海",
])
def test_bad_queries_never_fail(newsroom, text):
    site_search.search(text)  # no exception
    assert Article.objects.count() == 3  # and nothing changed


def test_rebuild_and_check_command(newsroom):
    with connection.cursor() as cursor:
        site_search.backend_for().delete(cursor, [newsroom["lead"].pk])
    assert found("lighthouse") == []
    with pytest.raises(CommandError, match="1 articles missing"):
        call_command("search_index", "--check")
    call_command("search_index", "--rebuild")
    call_command("search_index", "--check")
    assert found("lighthouse") == [newsroom["lead"].pk]


# -- the /search/ page -------------------------------------------------------------------------
def test_search_page_lists_ranked_highlighted_results(client, newsroom):
    response = client.get("/search/", {"q": "lighthouse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 result for" in html
    assert "<mark>Lighthouse</mark> reopens" in html
    assert newsroom["lead"].get_absolute_url() in html
    assert 'name="robots" content="noindex, follow"' in html
    assert "csrfmiddlewaretoken" not in html


def test_search_page_filters_by_slug_and_dates(client, newsroom):
    html = client.get("/search/", {"q": "visitors", "section": "sport"}).content.decode()
    assert "Harbour rowing club" in html and "Lighthouse reopens" not in html  # body match
    html = client.get("/search/", {"q": "ferry", "author": newsroom["other_author"].slug,
                                   "since": "2000-01-01", "until": "2999-12-31"}).content.decode()
    assert "<mark>Ferry</mark> strike" in html


@pytest.mark.parametrize("params, status, message", [
    ({"q": ""}, 200, "Type a word or two"),
    ({"q": "lighthouse", "section": "no-such"}, 400, "There is no such section."),
    ({"q": "lighthouse", "author": "nobody"}, 400, "There is no such author."),
    ({"q": "lighthouse", "since": "yesterday"}, 400, "Give the date as YYYY-MM-DD."),
    ({"q": "lighthouse", "since": "2026-05-02", "until": "2026-05-01"}, 400, "end date comes"),
    ({"q": "lighthouse", "page": "abc"}, 404, "Enter a whole number."),
    ({"q": "lighthouse", "page": "0"}, 404, "greater than or equal to 1"),
    ({"q": "lighthouse", "page": "-3"}, 404, "greater than or equal to 1"),
    ({"q": "lighthouse", "page": "99999999999999999999"}, 404, "less than or equal to"),
    ({"q": "lighthouse", "page": "5"}, 404, "Page 5 is past the end"),
    ({"q": "lighthouse", "sort": "sideways"}, 400, "Select a valid choice"),
    ({"q": '"unbalanced'}, 200, "No results for"),
    ({"q": "x" * 10_000}, 200, "No results for"),
    ({"q": "'; DROP TABLE newsroom_article; --"}, 200, "No results for"),
    ({"q": "a OR b NOT c NEAR(d)"}, 200, "No results for"),
])
def test_search_page_bad_input_gets_a_message(client, newsroom, params, status, message):
    response = client.get("/search/", params)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Article.objects.count() == 3


def test_search_page_paginates_with_its_filters(client, make_article, settings):
    settings.MASTHEAD_SEARCH_PAGE_SIZE = 2
    for i in range(5):
        make_article(title=f"Tide table {i}")
    html = client.get("/search/", {"q": "tide", "sort": "newest"}).content.decode()
    assert "Page 1 of 3" in html and 'href="?q=tide&amp;sort=newest&amp;page=2"' in html
    html = client.get("/search/", {"q": "tide", "sort": "newest", "page": "3"}).content.decode()
    assert "Page 3 of 3" in html and "page=2" in html


def test_search_page_costs_a_fixed_number_of_queries(client, make_article):
    make_article(title="Quay works")
    client.get("/search/", {"q": "quay"})  # warm the site settings row
    counts = []
    for extra in (0, 15):
        for i in range(extra):
            make_article(title=f"Quay works {i}", body="More on the quay.")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search/", {"q": "quay"}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_every_page_has_the_header_search_box(client, newsroom):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html


def test_summary_match_is_the_snippet_on_both_engines(make_article):
    make_article(title="Council news", dek="Rents capped on the waterfront.",
                 body="Councillors voted on Wednesday.")
    result = site_search.search("waterfront").results[0]
    assert "<mark>waterfront</mark>" in result.snippet_html


def test_search_page_is_the_same_bytes_for_every_anonymous_reader(client, newsroom):
    first = client.get("/search/", {"q": "lighthouse", "section": "world"}).content
    client.cookies["masthead_consent"] = "analytics"
    assert client.get("/search/", {"q": "lighthouse", "section": "world"}).content == first


def test_more_results_than_counted_say_so(client, make_article, monkeypatch):
    from masthead.discovery.search import postgres_fts, sqlite_fts

    for module in (sqlite_fts, postgres_fts):
        monkeypatch.setattr(module, "COUNT_LIMIT", 2)
    for i in range(4):
        make_article(title=f"Pier report {i}")
    assert "More than 2 results for" in client.get("/search/", {"q": "pier"}).content.decode()
    data = client.get("/api/v1/articles/", {"q": "pier"}).json()
    assert (data["count"], data["count_is_exact"]) == (2, False)
