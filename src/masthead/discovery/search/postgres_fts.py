"""The PostgreSQL backend: a tsvector per article (title weighted A, summary B, body D) in a GIN
index, ranked with ts_rank and highlighted with ts_headline.

PostgreSQL's text-search parser has no notion of Chinese or Japanese words, so CJK terms are
matched as substrings with LIKE instead, helped by a pg_trgm index when the extension can be
created (it is part of PostgreSQL's contrib; creating it needs the right privileges, and without
it LIKE still works, only slower). Their highlights are made here, in Python.

Relevance is computed over the newest RANK_WINDOW matches, older ones following newest first, for
the same reason and with the same result as the SQLite backend.
"""

import re

from .base import (
    COUNT_LIMIT,
    MARK_END,
    MARK_START,
    ParsedQuery,
    SearchBackend,
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchPage,
    best_passage,
    clean_text,
    marked_to_html,
)
from .query import Term

TABLE = "discovery_search_document"
RANK_WINDOW = 2000
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, ShortWord=2, "
    "MaxFragments=2, FragmentDelimiter=\" … \""
)
TITLE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
_ALL_TEXT = "(title || ' ' || summary || ' ' || body)"
SNIPPET_CHARS = 200


def highlight_substrings(text: str, needles: list[str], *, limit: int | None = None) -> str:
    """Mark every occurrence of the needles (case-insensitively); with `limit`, cut the text to
    about that many characters around the first occurrence."""
    needles = [n for n in needles if n]
    if not needles:
        return text[:limit] if limit else text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)),
                         re.IGNORECASE)
    if limit and len(text) > limit:
        first = pattern.search(text)
        start = max(0, (first.start() if first else 0) - limit // 3)
        text = ("…" if start else "") + text[start : start + limit] + "…"
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)


class PostgresFtsBackend(SearchBackend):
    def __init__(self, config: str = "english", rank_window: int = RANK_WINDOW):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", config):
            raise ValueError(f"not a text search configuration name: {config!r}")
        self.config = config
        self.rank_window = rank_window

    # -- schema --------------------------------------------------------------------------------
    def create_schema(self, cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "article_id bigint PRIMARY KEY, published_at timestamptz NOT NULL, "
            "section_id bigint, parent_section_id bigint, "
            "author_ids bigint[] NOT NULL DEFAULT '{}', "
            "title text NOT NULL, summary text NOT NULL, body text NOT NULL, "
            "document tsvector NOT NULL)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_published ON {TABLE} (published_at)")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_authors ON {TABLE} USING GIN (author_ids)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_section ON {TABLE} (section_id)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_parent ON {TABLE} (parent_section_id)")
        cursor.execute("SAVEPOINT discovery_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {TABLE}_trgm ON {TABLE} "
                f"USING GIN ({_ALL_TEXT} gin_trgm_ops)"
            )
        except Exception:  # noqa: BLE001 -- any driver's error: no privilege, no contrib
            # CJK search works without the trigram index, only slower.
            cursor.execute("ROLLBACK TO SAVEPOINT discovery_trgm")
        cursor.execute("RELEASE SAVEPOINT discovery_trgm")

    def drop_schema(self, cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    # -- writing -------------------------------------------------------------------------------
    def upsert(self, cursor, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        cfg = self.config
        cursor.executemany(
            f"INSERT INTO {TABLE} (article_id, published_at, section_id, parent_section_id, "
            "author_ids, title, summary, body, document) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
            f"setweight(to_tsvector('{cfg}', %s), 'A') || setweight(to_tsvector('{cfg}', %s), 'B')"
            f" || setweight(to_tsvector('{cfg}', %s), 'D')) "
            "ON CONFLICT (article_id) DO UPDATE SET published_at = EXCLUDED.published_at, "
            "section_id = EXCLUDED.section_id, parent_section_id = EXCLUDED.parent_section_id, "
            "author_ids = EXCLUDED.author_ids, title = EXCLUDED.title, "
            "summary = EXCLUDED.summary, body = EXCLUDED.body, document = EXCLUDED.document",
            [
                (d.id, d.published_at, d.section_id, d.parent_section_id, list(d.author_ids),
                 title, summary, body, title, summary, body)
                for d in documents
                for title, summary, body in [
                    (clean_text(d.title), clean_text(d.summary), clean_text(d.body))
                ]
            ],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        if ids:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = ANY(%s)", [list(ids)])

    def move_section(self, cursor, section_id: int, parent_section_id: int | None) -> None:
        cursor.execute(f"UPDATE {TABLE} SET parent_section_id = %s WHERE section_id = %s",
                       [parent_section_id, section_id])

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE}")

    def indexed_ids(self, cursor) -> set[int]:
        cursor.execute(f"SELECT article_id FROM {TABLE}")
        return {row[0] for row in cursor.fetchall()}

    # -- reading -------------------------------------------------------------------------------
    def _tsquery(self, term: Term) -> tuple[str, list]:
        """SQL for one term's tsquery. The reader's words are parameters, never tsquery syntax;
        a prefix word is letters and digits only (query.py), so ':*' after it is safe."""
        cfg = self.config
        if term.prefix:
            return f"to_tsquery('{cfg}', %s)", [term.words[0] + ":*"]
        if len(term.words) > 1:
            return f"phraseto_tsquery('{cfg}', %s)", [" ".join(term.words)]
        return f"plainto_tsquery('{cfg}', %s)", [term.words[0]]

    def _conditions(self, query: ParsedQuery, filters: SearchFilters):
        """(WHERE clause, its params, tsquery SQL and params or None, CJK needles)."""
        clauses, params = ["published_at <= %s"], [filters.now]
        ts_parts, ts_params, needles = [], [], []
        for term in query.terms:
            if term.is_cjk:
                op = "NOT LIKE" if term.negated else "LIKE"
                clauses.append(f"{_ALL_TEXT} {op} %s")
                params.append("%" + term.text + "%")
                if not term.negated:
                    needles.append(term.text)
                continue
            sql, values = self._tsquery(term)
            ts_parts.append(f"!!{sql}" if term.negated else sql)
            ts_params += values
        tsquery = None
        if any(not t.negated and not t.is_cjk for t in query.terms):
            tsquery = (" && ".join(ts_parts), ts_params)
            clauses.append(f"document @@ ({tsquery[0]})")
            params += ts_params
        elif ts_parts:  # only exclusions beside CJK terms
            clauses.append(f"NOT document @@ ({' || '.join(p[2:] for p in ts_parts)})")
            params += ts_params
        if filters.section_id is not None:
            clauses.append("(section_id = %s OR parent_section_id = %s)")
            params += [filters.section_id, filters.section_id]
        if filters.author_id is not None:
            clauses.append("author_ids @> ARRAY[%s]::bigint[]")
            params.append(filters.author_id)
        if filters.since is not None:
            clauses.append("published_at >= %s")
            params.append(filters.since)
        if filters.until is not None:
            clauses.append("published_at < %s")
            params.append(filters.until)
        return " AND ".join(clauses), params, tsquery, needles

    def search(self, cursor, query: ParsedQuery, filters: SearchFilters, *, limit: int,
               offset: int = 0, sort: str = "relevance") -> SearchPage:
        if query.is_empty:
            return SearchPage(total=0)
        where, params, tsquery, needles = self._conditions(query, filters)
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) "
                       "AS matches", [*params, COUNT_LIMIT + 1])
        counted = cursor.fetchone()[0]
        total, exact = min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT
        if total <= offset:
            return SearchPage(total=total, total_is_exact=exact)
        if tsquery:
            score_sql, score_params = f"ts_rank(document, {tsquery[0]})", tsquery[1]
        else:  # CJK only: a match in the title counts most, then the summary
            score_sql = ("(CASE WHEN title LIKE %s THEN 1.0 WHEN summary LIKE %s THEN 0.4 "
                         "ELSE 0.1 END)")
            pattern = "%" + needles[0] + "%"
            score_params = [pattern, pattern]
        window = min(total, self.rank_window)
        newest_first = f"SELECT article_id, 0.0 FROM {TABLE} WHERE {where} " \
                       "ORDER BY published_at DESC, article_id DESC"
        ranked: list = []
        if sort != "relevance":
            cursor.execute(f"{newest_first} LIMIT %s OFFSET %s", [*params, limit, offset])
            ranked = cursor.fetchall()
        else:
            if offset < window:
                cursor.execute(
                    f"SELECT article_id, {score_sql} AS score FROM ("
                    f"SELECT article_id, published_at, document, title, summary FROM {TABLE} "
                    f"WHERE {where} ORDER BY published_at DESC, article_id DESC LIMIT %s) "
                    "AS newest "
                    "ORDER BY score DESC, published_at DESC, article_id DESC LIMIT %s OFFSET %s",
                    [*score_params, *params, window, min(limit, window - offset), offset],
                )
                ranked = [(row[0], float(row[1])) for row in cursor.fetchall()]
            if len(ranked) < limit and total > window:
                cursor.execute(f"{newest_first} LIMIT %s OFFSET %s",
                               [*params, limit - len(ranked), max(offset, window)])
                ranked += cursor.fetchall()
        return SearchPage(total=total, hits=self._highlight(cursor, ranked, tsquery, needles),
                          total_is_exact=exact)

    def _highlight(self, cursor, ranked, tsquery, needles) -> list[SearchHit]:
        ids = [row[0] for row in ranked]
        if needles or not tsquery:
            cursor.execute(f"SELECT article_id, title, body, summary FROM {TABLE} "
                           "WHERE article_id = ANY(%s)", [ids])
            words = needles + [w.removesuffix(":*") for w in (tsquery[1] if tsquery else [])]
            marked = {
                row[0]: (highlight_substrings(row[1], words), best_passage(
                    highlight_substrings(row[2], words, limit=SNIPPET_CHARS),
                    highlight_substrings(row[3], words)))
                for row in cursor.fetchall()
            }
        else:
            cfg = self.config
            cursor.execute(
                f"SELECT article_id, ts_headline('{cfg}', title, q, %s), "
                f"ts_headline('{cfg}', body, q, %s), ts_headline('{cfg}', summary, q, %s) "
                f"FROM {TABLE}, (SELECT {tsquery[0]} AS q) AS query WHERE article_id = ANY(%s)",
                [TITLE_OPTIONS, HEADLINE_OPTIONS, TITLE_OPTIONS, *tsquery[1], ids],
            )
            marked = {row[0]: (row[1], best_passage(row[2], row[3]))
                      for row in cursor.fetchall()}
        return [
            SearchHit(id=article_id, score=float(score),
                      title_html=marked_to_html(marked[article_id][0]),
                      snippet_html=marked_to_html(marked[article_id][1]))
            for article_id, score in ranked if article_id in marked
        ]
