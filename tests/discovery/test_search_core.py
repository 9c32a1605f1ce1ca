"""The search engine's core on its own: the query parser, and the FTS5 backend on a plain
sqlite3 connection (no Django anywhere)."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.discovery.search import SearchDocument, SearchFilters, parse_query
from masthead.discovery.search.base import marked_to_html
from masthead.discovery.search.query import MAX_TERMS, join_cjk, split_cjk
from masthead.discovery.search.sqlite_fts import SqliteFtsBackend, match_expression

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def words(query):
    return [t.words for t in parse_query(query).terms]


def test_words_phrases_prefixes_and_exclusions():
    q = parse_query('harbour "sea wall" tid* -storm')
    assert [(t.words, t.prefix, t.negated) for t in q.terms] == [
        (("harbour",), False, False), (("sea", "wall"), False, False),
        (("tid",), True, False), (("storm",), False, True),
    ]


@pytest.mark.parametrize("text", [
    'a AND b OR NOT c', 'NEAR(a b, 3)', 'title:harbour', '^start', '"unbalanced', 'x"y"z"',
    "'; DROP TABLE newsroom_article; --", "1' OR '1'='1", "(((", "*", "-", '""', "\\", "%_%",
    "x" * 10_000, "word " * 3000,
])
def test_operators_and_sql_are_only_text(text):
    q = parse_query(text)
    for term in q.terms:
        for w in term.words:
            assert w.isalnum(), w
    assert len(q.terms) <= MAX_TERMS


def test_prefixes_need_three_letters():
    assert [(t.words, t.prefix) for t in parse_query("ec* eco*").terms] == [
        (("ec",), False), (("eco",), True)]


def test_empty_and_punctuation_only_queries_look_for_nothing():
    for text in ["", "   ", "*", '" "', "-word", "!!!", None]:
        assert parse_query(text).is_empty


def test_cjk_runs_become_phrases_of_characters():
    assert words("北京市 政府") == [("北", "京", "市"), ("政", "府")]
    assert parse_query("北京市").terms[0].text == "北京市"
    assert join_cjk(split_cjk("港口城市 Port Calder 港")) == "港口城市 Port Calder 港"


def test_marked_text_is_escaped_and_closed():
    assert marked_to_html("<b>\x02harbour\x03</b> & \x02sea") == \
        "&lt;b&gt;<mark>harbour</mark>&lt;/b&gt; &amp; <mark>sea</mark>"


# -- the FTS5 backend on a bare connection ---------------------------------------------------------
@pytest.fixture
def fts():
    conn = sqlite3.connect(":memory:")
    cursor = conn.cursor()
    backend = SqliteFtsBackend()
    backend.create_schema(cursor)
    yield backend, cursor
    conn.close()


def doc(i, title, body="", summary="", hours_ago=1, **kw):
    return SearchDocument(id=i, title=title, summary=summary, body=body,
                          published_at=NOW - timedelta(hours=hours_ago), **kw)


def ids(backend, cursor, text, **kw):
    limit = kw.pop("limit", 50)
    offset = kw.pop("offset", 0)
    sort = kw.pop("sort", "relevance")
    page = backend.search(cursor, parse_query(text), SearchFilters(now=NOW, **kw), limit=limit,
                          offset=offset, sort=sort)
    return [h.id for h in page.hits], page.total


def test_title_is_weighted_above_body(fts):
    backend, cur = fts
    backend.upsert(cur, [
        doc(1, "Council meets", body="The lighthouse keeper spoke. " * 3),
        doc(2, "Lighthouse reopens", body="Visitors return to the point."),
        doc(3, "Ferry timetable", summary="The lighthouse is closed.", body="Nothing else."),
    ])
    assert ids(backend, cur, "lighthouse") == ([2, 3, 1], 3)


def test_stemming_diacritics_phrases_prefix_and_not(fts):
    backend, cur = fts
    backend.upsert(cur, [
        doc(1, "Fishermen protest quotas", body="Fishing boats blocked the café quay."),
        doc(2, "Sea wall approved", body="The sea wall will rise. A wall by the sea."),
        doc(3, "Wall street", body="Markets and the sea of trading."),
    ])
    assert ids(backend, cur, "fish")[0] == [1]  # Porter: fishing -> fish
    assert ids(backend, cur, "cafe")[0] == [1]  # diacritics folded
    assert ids(backend, cur, '"sea wall"')[0] == [2]
    assert ids(backend, cur, "protes*")[0] == [1]
    assert sorted(ids(backend, cur, "wall -street")[0]) == [2]


def test_chinese_is_findable_inside_words_and_highlighted(fts):
    backend, cur = fts
    backend.upsert(cur, [
        doc(1, "北京市政府发布新规", body="北京市政府今天发布了关于港口的新规定。"),
        doc(2, "上海港口", body="上海的港口很忙。"),
    ])
    assert ids(backend, cur, "北京")[0] == [1]
    assert sorted(ids(backend, cur, "港口")[0]) == [1, 2]
    assert ids(backend, cur, "政府 港口")[0] == [1]
    hit = backend.search(cur, parse_query("港口"), SearchFilters(now=NOW), limit=5).hits
    snippet = {h.id: h.snippet_html for h in hit}[2]
    assert "<mark>港口</mark>" in snippet and "\u200b" not in snippet


def test_snippets_highlight_and_escape(fts):
    backend, cur = fts
    backend.upsert(cur, [doc(1, "A <script> title about tides",
                             body="Long text. " * 40 + "The tides & the moon <b>."
                             + " More." * 40)])
    hit = backend.search(cur, parse_query("tides"), SearchFilters(now=NOW), limit=5).hits[0]
    assert hit.title_html == "A &lt;script&gt; title about <mark>tides</mark>"
    assert "<mark>tides</mark> &amp; the moon &lt;b&gt;" in hit.snippet_html
    assert hit.snippet_html.startswith("…")


def test_filters_release_time_section_author_dates(fts):
    backend, cur = fts
    backend.upsert(cur, [
        doc(1, "Storm one", hours_ago=50, section_id=1, author_ids=(7,)),
        doc(2, "Storm two", hours_ago=5, section_id=2, parent_section_id=1, author_ids=(8, 17)),
        doc(3, "Storm three", hours_ago=-2, section_id=1, author_ids=(7,)),  # scheduled
    ])
    assert ids(backend, cur, "storm") == ([2, 1], 2)
    assert ids(backend, cur, "storm", section_id=1)[0] == [2, 1]
    assert ids(backend, cur, "storm", section_id=2)[0] == [2]
    assert ids(backend, cur, "storm", author_id=7)[0] == [1]
    assert ids(backend, cur, "storm", author_id=1)[0] == []  # " 1 " is not in " 17 "
    assert ids(backend, cur, "storm", since=NOW - timedelta(hours=10))[0] == [2]
    assert ids(backend, cur, "storm", until=NOW - timedelta(hours=10))[0] == [1]
    later = backend.search(cur, parse_query("storm"),
                           SearchFilters(now=NOW + timedelta(hours=3)), limit=5)
    assert later.total == 3


def test_upsert_replaces_and_delete_removes(fts):
    backend, cur = fts
    backend.upsert(cur, [doc(1, "Old headline")])
    backend.upsert(cur, [doc(1, "New headline", hours_ago=3)])
    assert ids(backend, cur, "old") == ([], 0)
    assert ids(backend, cur, "new") == ([1], 1)
    backend.move_section(cur, 5, 9)
    backend.delete(cur, [1])
    assert ids(backend, cur, "headline") == ([], 0)
    assert backend.indexed_ids(cur) == set()


def test_pages_past_the_rank_window_continue_newest_first(fts):
    _, cur = fts
    backend = SqliteFtsBackend(rank_window=4)
    # Ten matches; the two with the word in the title are old, outside the window of 4.
    backend.upsert(cur, [doc(i, f"Item {i}", body="harbour news", hours_ago=i) for i in range(1, 9)]
                   + [doc(9, "Harbour", hours_ago=100), doc(10, "Harbour", hours_ago=90)])
    seen = []
    for offset in range(0, 10, 3):
        page, total = ids(backend, cur, "harbour", limit=3, offset=offset)
        assert total == 10
        seen += page
    assert sorted(seen) == list(range(1, 11))  # every match reachable, none twice
    assert seen[4:] == [5, 6, 7, 8, 10, 9]  # after the window: newest first
    assert ids(backend, cur, "harbour", limit=3, offset=10) == ([], 10)
    assert ids(backend, cur, "harbour", sort="newest", limit=3)[0] == [1, 2, 3]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_makes_a_valid_fts5_query(fts, text):
    backend, cur = fts
    backend.upsert(cur, [doc(1, "Harbour news", body="The quay.")])
    query = parse_query(text)
    if not query.is_empty:
        cur.execute("SELECT count(*) FROM discovery_search_fts WHERE discovery_search_fts MATCH ?",
                    [match_expression(query)])
    backend.search(cur, query, SearchFilters(now=NOW), limit=5)


def test_a_match_only_in_the_summary_is_the_passage_shown(fts):
    backend, cur = fts
    backend.upsert(cur, [doc(1, "Council news", summary="Rents capped on the waterfront.",
                             body="Councillors voted on Wednesday.")])
    hit = backend.search(cur, parse_query("waterfront"), SearchFilters(now=NOW), limit=5).hits[0]
    assert hit.snippet_html == "Rents capped on the <mark>waterfront</mark>."


def test_counting_stops_at_the_limit(fts, monkeypatch):
    from masthead.discovery.search import sqlite_fts

    backend, cur = fts
    monkeypatch.setattr(sqlite_fts, "COUNT_LIMIT", 3)
    backend.upsert(cur, [doc(i, f"Tide {i}", hours_ago=i) for i in range(1, 6)])
    page = backend.search(cur, parse_query("tide"), SearchFilters(now=NOW), limit=2)
    assert (page.total, page.total_is_exact, [h.id for h in page.hits]) == (3, False, [1, 2])
    page = backend.search(cur, parse_query("tide 3"), SearchFilters(now=NOW), limit=2)
    assert (page.total, page.total_is_exact) == (1, True)
