"""The read-only content API: resources, filters, pagination, ETag/304, bad input."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.newsroom.models import LANGUAGES, Article

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def get(client, url, status=200, follow=False, **params):
    response = client.get(url, params, follow=follow)
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(data):
    return [a["title"] for a in data["results"]]


def test_root_lists_the_resources_and_the_description(client):
    data = get(client, "/api/v1/")
    assert set(data["resources"]) == {"articles", "sections", "tags", "authors", "pages"}
    assert data["openapi"] == "http://testserver/api/openapi.json"
    assert get(client, "/api/openapi.json")["openapi"].startswith("3.1")


def test_articles_newest_first_with_their_fields(client, newsroom, make_article):
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Later", published_at=timezone.now() + timedelta(hours=1))
    data = get(client, "/api/v1/articles/")
    assert data["count"] == 3 and data["num_pages"] == 1 and data["next"] is None
    lead = newsroom["lead"]
    item = next(a for a in data["results"] if a["id"] == lead.pk)
    assert item["url"] == "http://testserver" + lead.get_absolute_url()
    assert item["summary"] == "The keeper returns."
    assert item["section"]["slug"] == "world"
    assert [t["slug"] for t in item["tags"]] == ["harbour"]
    assert [a["name"] for a in item["authors"]] == ["Ada Reporter"]
    assert "body_html" not in item


def test_article_detail_has_body_source_and_translations(client, make_article):
    original = make_article(title="Original", source_name="Nordic Wire",
                            source_url="https://wire.example.org/1")
    german = make_article(title="Deutsch", language="de", translation_of=original)
    data = get(client, f"/api/v1/articles/{original.pk}/")
    assert data["body_html"].startswith("<p>First paragraph")
    assert data["source"]["name"] == "Nordic Wire"
    assert data["translations"] == [{"id": german.pk, "language": "de",
                                     "url": "http://testserver" + german.get_absolute_url()}]
    assert get(client, f"/api/v1/articles/{german.pk}/")["translation_of"] == original.pk


def test_unpublished_articles_are_404(client, make_article):
    draft = make_article(title="Draft", status=Article.Status.DRAFT)
    later = make_article(title="Later", published_at=timezone.now() + timedelta(hours=1))
    for pk in (draft.pk, later.pk, 999999, 2**63 - 1):
        assert "error" in get(client, f"/api/v1/articles/{pk}/", status=404)


def test_article_filters(client, newsroom, make_article):
    n = newsroom
    assert set(titles(get(client, "/api/v1/articles/", section="world"))) == {
        "Lighthouse reopens after storm", "Ferry strike in the Baltic"}
    assert titles(get(client, "/api/v1/articles/", section="europe")) == [
        "Ferry strike in the Baltic"]
    assert set(titles(get(client, "/api/v1/articles/", tag="harbour"))) == {
        "Lighthouse reopens after storm", "Harbour rowing club wins"}
    assert titles(get(client, "/api/v1/articles/", author=n["other_author"].slug)) == [
        "Ferry strike in the Baltic"]
    make_article(title="Auf Deutsch", language="de",
                 published_at=timezone.now() - timedelta(days=30))
    assert titles(get(client, "/api/v1/articles/", language="de")) == ["Auf Deutsch"]
    since = (timezone.now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "Auf Deutsch" not in titles(get(client, "/api/v1/articles/", since=since))
    assert titles(get(client, "/api/v1/articles/", until=since)) == ["Auf Deutsch"]
    assert get(client, "/api/v1/articles/", section="no-such-section")["count"] == 0


def test_article_search(client, newsroom):
    data = get(client, "/api/v1/articles/", q="lighthouse")
    assert titles(data) == ["Lighthouse reopens after storm"]
    assert titles(get(client, "/api/v1/articles/", q="ferry", section="world")) == [
        "Ferry strike in the Baltic"]
    assert get(client, "/api/v1/articles/", q="ferry", section="sport")["count"] == 0
    assert "cannot be combined" in get(client, "/api/v1/articles/", status=400, q="x",
                                       tag="harbour")["error"]


def test_pagination(client, make_article):
    for i in range(5):
        make_article(title=f"Story {i}", published_at=timezone.now() - timedelta(hours=i + 1))
    first = get(client, "/api/v1/articles/", per_page="2")
    assert first["count"] == 5 and first["num_pages"] == 3
    assert titles(first) == ["Story 0", "Story 1"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/articles/?per_page=2&page=2"
    third = get(client, "/api/v1/articles/", per_page="2", page="3")
    assert titles(third) == ["Story 4"] and third["next"] is None
    assert third["previous"] == "http://testserver/api/v1/articles/?per_page=2&page=2"
    # Past the end is a 404 naming the last page; page 1 of nothing is an empty page.
    beyond = get(client, "/api/v1/articles/", status=404, per_page="2", page="4")
    assert beyond == {"error": "Page 4 is past the end of the list; the last is page 3."}
    nothing = get(client, "/api/v1/articles/", section="no-such-section")
    assert (nothing["results"], nothing["num_pages"], nothing["next"]) == ([], 1, None)
    assert get(client, "/api/v1/articles/", status=404, section="no-such-section", page="2")


def test_counting_stops_at_the_limit_and_the_pages_go_on(client, make_article, monkeypatch):
    from masthead.discovery.api import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for i in range(5):
        make_article(title=f"Story {i}", published_at=timezone.now() - timedelta(hours=i + 1))
    first = get(client, "/api/v1/articles/", per_page="2")
    assert (first["count"], first["count_is_exact"], first["num_pages"]) == (3, False, 2)
    assert first["next"] == "http://testserver/api/v1/articles/?per_page=2&page=2"
    third = get(client, "/api/v1/articles/", per_page="2", page="3")  # past what was counted
    assert titles(third) == ["Story 4"] and third["next"] is None
    assert third["previous"] == "http://testserver/api/v1/articles/?per_page=2&page=2"
    beyond = get(client, "/api/v1/articles/", status=404, per_page="2", page="4")
    assert beyond == {"error": "Page 4 is past the end of the list."}


def test_sections_tags_authors_pages(client, newsroom):
    sections = get(client, "/api/v1/sections/")["results"]
    assert {s["slug"]: s["parent"] for s in sections} == {
        "world": None, "europe": "world", "sport": None}
    assert [s["slug"] for s in get(client, "/api/v1/sections/", parent="world")["results"]] == [
        "europe"]
    assert get(client, "/api/v1/sections/europe/")["name"] == "Europe"
    assert [t["slug"] for t in get(client, "/api/v1/tags/")["results"]] == ["harbour"]
    assert get(client, "/api/v1/tags/harbour/")["url"] == "http://testserver/tag/harbour/"
    assert {a["name"] for a in get(client, "/api/v1/authors/")["results"]} == {
        "Ada Reporter", "Ben Columnist"}
    assert get(client, f"/api/v1/authors/{newsroom['author'].slug}/")["bio"] == \
        "Covers the harbour."
    pages = {p["slug"] for p in get(client, "/api/v1/pages/")["results"]}
    assert "privacy-policy" in pages and "about" in pages
    assert get(client, "/api/v1/pages/about/")["body_html"]


def test_etag_and_not_modified(client, newsroom):
    first = client.get("/api/v1/articles/")
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"] == "public, max-age=60"
    again = client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    lead = newsroom["lead"]
    lead.title = "Changed"
    lead.save()
    changed = client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get("/api/v1/articles/", HTTP_IF_NONE_MATCH="*").status_code == 304


@pytest.mark.parametrize("url, params, message", [
    ("/api/v1/articles/", {"colour": "red"}, "Unknown query parameter 'colour'"),
    ("/api/v1/articles/", {"sectoin": "world"}, "Known parameters: author, language, page"),
    ("/api/v1/tags/", {"section": "world"}, "Unknown query parameter 'section'"),
    ("/api/v1/articles/1/", {"page": "2"}, "Unknown query parameter 'page'"),
    ("/api/v1/articles/", {"page": "0"}, "'page' must be a whole number"),
    ("/api/v1/articles/", {"page": "-1"}, "'page' must be a whole number"),
    ("/api/v1/articles/", {"page": "abc"}, "'page' must be a whole number"),
    ("/api/v1/articles/", {"page": "1e3"}, "'page' must be a whole number"),
    ("/api/v1/articles/", {"page": "9" * 30}, "'page' must be a whole number"),
    ("/api/v1/articles/", {"per_page": "1000"}, "'per_page' must be a whole number from 1 to 100"),
    ("/api/v1/articles/", {"language": "xx"}, "'language' must be one of"),
    ("/api/v1/articles/", {"since": "yesterday"}, "RFC 3339"),
    ("/api/v1/articles/", {"since": "2026-02-30T00:00:00Z"}, "RFC 3339"),
    ("/api/v1/articles/", {"until": "0001-01-01T00:00:00+01:00"}, "RFC 3339"),
    ("/api/v1/articles/", {"section": "bad slug!"}, "'section' must be a slug"),
    ("/api/v1/articles/", {"q": "x" * 10_000}, "'q' must be 1 to 500 characters"),
    ("/api/v1/articles/", {"q": ""}, "'q' must be 1 to 500 characters"),
    ("/api/v1/articles/abc/", {}, "'id' must be a whole number"),
    ("/api/v1/sections/bad%20slug/", {}, "'slug' must be a slug"),
    ("/api/v1/", {"format": "json"}, "Unknown query parameter 'format'. Known parameters: none."),
    ("/api/v1/tags/", {"per_page": "0"}, "'per_page' must be a whole number from 1 to 100."),
])
def test_bad_input_is_400_with_a_reason(client, newsroom, url, params, message):
    data = get(client, url, status=400, **params)
    assert message in data["error"]


def test_repeated_parameters_are_refused(client):
    response = client.get("/api/v1/articles/?page=1&page=2")
    assert response.status_code == 400 and "once" in response.json()["error"]


@pytest.mark.parametrize("q, found", [
    ('"lighthouse', ["Lighthouse reopens after storm"]),  # an unbalanced quote is dropped
    ('"unbalanced', []),
    ("rowing*", ["Harbour rowing club wins"]),  # prefix search, as documented
    # Neither FTS5's column filters nor its NEAR/OR operators: each word must be there.
    ("title:ferry", []), ("NEAR(ferry strike)", []), ("ferry OR lighthouse", []),
    ("a AND OR NOT", []), ("*", []), ("北京", []),
    ("'; DROP TABLE newsroom_article; --", []), ("ferry' OR 1=1 --", []),
])
def test_search_operators_are_just_text(client, newsroom, q, found):
    data = get(client, "/api/v1/articles/", q=q)
    assert (data["count"], titles(data)) == (len(found), found)
    assert Article.objects.count() == 3  # nothing was run but the search


def test_unknown_addresses_and_methods_are_json(client):
    assert get(client, "/api/v1/nothing/", status=404)["error"]
    assert get(client, "/api/v1/articles/1/extra/", status=404)["error"]
    assert get(client, "/api/v1/sections/nope/", status=404)["error"] == "No section 'nope'."
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/articles/")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
        assert response.json()["error"] == \
            f"The API is read-only; {method.upper()} is not allowed."
    response = client.post("/api/openapi.json")
    assert response.status_code == 405 and response.json()["error"] == "Only GET is allowed."


def api_queries(client, url) -> list[str]:
    """The SQL one request runs for the API (the site's settings row, read by middleware on
    every request, is not the API's)."""
    client.get(url)  # rows some middleware makes on first use
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "newsroom_sitesettings" not in q["sql"]]


@pytest.mark.parametrize("url, expected", [
    ("/api/v1/articles/", 4),  # the count (up to 10,001), the page, its authors, its tags
    ("/api/v1/articles/?tag=harbour&page=2&per_page=2", 4),
    ("/api/v1/sections/", 2), ("/api/v1/tags/", 2), ("/api/v1/authors/", 2),
    ("/api/v1/pages/", 2),
])
def test_lists_cost_a_fixed_number_of_queries_and_load_no_bodies(client, make_article, newsroom,
                                                                 url, expected):
    for i in range(3):
        make_article(title=f"Story {i}", tags=[newsroom["tag"]])
    first = api_queries(client, url)
    for i in range(6):
        make_article(title=f"More {i}", tags=[newsroom["tag"]])
    second = api_queries(client, url)
    assert len(first) == len(second) == expected, second
    assert not [sql for sql in second if '"body' in sql]  # body and body_html are for details
    counts = [sql for sql in second if "COUNT(" in sql.upper()]
    assert len(counts) == 1 and "LIMIT 10001" in counts[0]


def test_a_search_costs_a_fixed_number_of_queries(client, newsroom, make_article):
    url = "/api/v1/articles/?q=harbour"
    before = api_queries(client, url)
    for i in range(4):
        make_article(title=f"Harbour story {i}", tags=[newsroom["tag"]])
    after = api_queries(client, url)
    assert len(before) == len(after)
    assert len([sql for sql in after if "newsroom_article_tags" in sql]) == 1


def test_one_article_costs_a_fixed_number_of_queries(client, newsroom, make_article):
    lead = newsroom["lead"]
    url = f"/api/v1/articles/{lead.pk}/"
    # the article (with its section), authors, tags, translations
    assert len(api_queries(client, url)) == 4
    make_article(title="Deutsch", language="de", translation_of=lead)
    make_article(title="Français", language="fr", translation_of=lead)
    assert len(api_queries(client, url)) == 4


def test_head_is_get_without_a_body(client, newsroom):
    response = client.head("/api/v1/articles/")
    assert response.status_code == 200 and response.content == b""
    assert response["ETag"] == client.get("/api/v1/articles/")["ETag"]


def test_addresses_without_the_final_slash_are_sent_to_it(client, newsroom):
    response = client.get("/api/v1/articles?per_page=2")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/articles/?per_page=2"
    assert get(client, "/api/v1/nothing", status=404, follow=True)["error"] == \
        "No such API address; see /api/openapi.json."


QUERY_SCHEMES = {  # what each list parameter accepts, said independently of the code
    "page": lambda v: re.fullmatch(r"[0-9]{1,19}", v) and 1 <= int(v) <= 100_000,
    "per_page": lambda v: re.fullmatch(r"[0-9]{1,19}", v) and 1 <= int(v) <= 100,
    "section": lambda v: re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", v),
    "author": lambda v: re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", v),
    "language": lambda v: v in {code for code, _ in LANGUAGES},
    "q": lambda v: 1 <= len(v) <= 500,
}


@given(name=st.sampled_from(sorted(QUERY_SCHEMES)),
       value=st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
                       st.integers(-10**25, 10**25).map(str), st.sampled_from(
                           ["1", "100", "101", "100000", "100001", "0", "-0", "1.0", " 1", "١",
                            "en", "EN", "world", "a b", "x" * 101, "x" * 501])))
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_value_is_accepted_or_refused_with_a_reason(client, newsroom, name, value):
    response = client.get("/api/v1/articles/", {name: value})
    assert response["Content-Type"] == "application/json"
    if not QUERY_SCHEMES[name](value):
        assert response.status_code == 400, (name, value)
        assert response.json()["error"].startswith(f"'{name}' must be ")
    elif name == "page" and value != "1":
        assert response.status_code == 404  # past the end of a list of three
        assert response.json()["error"] == f"Page {int(value)} is past the end of the list; " \
            "the last is page 1."
    else:
        assert response.status_code == 200, (name, value, response.content[:200])
