"""The SQLite backend: an FTS5 table ranked with bm25 and highlighted with FTS5's own functions.

How it stays fast on a large archive:
- A document's FTS5 rowid is its *release key*: the release time in seconds, shifted left, plus
  the article id (see release_key). FTS5 walks its index in rowid order and takes rowid ranges
  for free, so "released by now" (what keeps scheduled articles hidden until their time), a date
  range, "newest first" and "the newest N matches" cost nothing per match.
- Section and author filters are small ordinary tables (discovery_search_meta and
  discovery_search_author) tested against the rowid only: the long text is never read to filter.
- bm25 costs a few microseconds a match, so a word in nearly every article would take hundreds of
  milliseconds to rank. Relevance is therefore computed over the newest RANK_WINDOW matches (all
  of them when there are fewer, the usual case for a real query); older matches follow, newest
  first, so every match can still be paged to.
- Only the page of hits is highlighted: snippet() is the costliest function of all.
- Prefix indexes for 3 and 4 characters make "econ*" one lookup instead of a merge of every word
  that starts so (five times faster on 100,000 articles, for an index about twice the size).

Text: unicode61 (diacritics folded, so "cafe" finds "café") with the Porter stemmer; CJK text is
stored with a zero-width separator around every character (query.split_cjk) so each character is
a token and a CJK query is a phrase of them. bm25 weights the title above the summary above the
body.
"""

from datetime import datetime

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
from .query import Term, split_cjk

FTS = "discovery_search_fts"
META = "discovery_search_meta"
AUTHORS = "discovery_search_author"
WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body
TITLE_COL, SUMMARY_COL, BODY_COL = 0, 1, 2
SNIPPET_TOKENS = 28
RANK_WINDOW = 2000
ID_BITS = 24  # article ids below 16.7 million never share a key, whatever their release times
_ID_MASK = (1 << ID_BITS) - 1


def release_key(published_at: datetime, article_id: int) -> int:
    """Orders documents by release time (to the second), then by article id."""
    return (int(published_at.timestamp() // 1) << ID_BITS) + (article_id & _ID_MASK)


def _key_bound(moment: datetime) -> int:
    """The smallest key released at `moment`'s second; every key below it is earlier."""
    return int(moment.timestamp() // 1) << ID_BITS


def _fts_string(words) -> str:
    """An FTS5 string: the words in double quotes. Words are runs of letters and digits (see
    query.py), so nothing in them can be an operator; quotes are doubled all the same."""
    return '"' + " ".join(words).replace('"', '""') + '"'


def _fts_term(term: Term) -> str:
    return _fts_string(term.words) + ("*" if term.prefix else "")


def match_expression(query: ParsedQuery) -> str:
    """`"a" AND "b c" NOT "d"`: every required term, none of the excluded ones."""
    expression = " AND ".join(_fts_term(t) for t in query.required)
    for term in query.excluded:
        expression += " NOT " + _fts_term(term)
    return expression


class SqliteFtsBackend(SearchBackend):
    """`placeholder` is the cursor's parameter marker: "?" for sqlite3 itself, "%s" through
    Django (whose debug cursor formats queries with %)."""

    def __init__(self, rank_window: int = RANK_WINDOW, placeholder: str = "?"):
        self.rank_window = rank_window
        self.placeholder = placeholder

    def _run(self, cursor, sql: str, params=()):
        cursor.execute(sql.replace("?", self.placeholder), params)

    def _run_many(self, cursor, sql: str, rows):
        cursor.executemany(sql.replace("?", self.placeholder), rows)

    def create_schema(self, cursor) -> None:
        self._run(cursor,
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, summary, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3 4')"
        )
        self._run(cursor,
            f"CREATE TABLE IF NOT EXISTS {META} (doc_key INTEGER PRIMARY KEY, "
            "article_id INTEGER NOT NULL UNIQUE, section_id INTEGER, parent_section_id INTEGER)"
        )
        self._run(cursor, f"CREATE INDEX IF NOT EXISTS {META}_section ON {META} (section_id)")
        self._run(cursor, f"CREATE INDEX IF NOT EXISTS {META}_parent ON {META} (parent_section_id)")
        self._run(cursor,
            f"CREATE TABLE IF NOT EXISTS {AUTHORS} (author_id INTEGER NOT NULL, "
            "doc_key INTEGER NOT NULL, PRIMARY KEY (author_id, doc_key)) WITHOUT ROWID"
        )

    def drop_schema(self, cursor) -> None:
        for table in (FTS, META, AUTHORS):
            self._run(cursor, f"DROP TABLE IF EXISTS {table}")

    def upsert(self, cursor, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        self.delete(cursor, [d.id for d in documents])
        rows = [(release_key(d.published_at, d.id), d) for d in documents]
        self._run_many(cursor,
            f"INSERT INTO {FTS} (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
            [(key, split_cjk(clean_text(d.title)), split_cjk(clean_text(d.summary)),
              split_cjk(clean_text(d.body))) for key, d in rows],
        )
        self._run_many(cursor,
            f"INSERT INTO {META} (doc_key, article_id, section_id, parent_section_id) "
            "VALUES (?, ?, ?, ?)",
            [(key, d.id, d.section_id, d.parent_section_id) for key, d in rows],
        )
        self._run_many(cursor,
            f"INSERT OR IGNORE INTO {AUTHORS} (author_id, doc_key) VALUES (?, ?)",
            [(author_id, key) for key, d in rows for author_id in d.author_ids],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            self._run(cursor, f"SELECT doc_key FROM {META} WHERE article_id IN ({marks})", chunk)
            keys = [row[0] for row in cursor.fetchall()]
            if not keys:
                continue
            key_marks = ", ".join("?" * len(keys))
            for table, column in ((FTS, "rowid"), (META, "doc_key"), (AUTHORS, "doc_key")):
                self._run(cursor, f"DELETE FROM {table} WHERE {column} IN ({key_marks})", keys)

    def move_section(self, cursor, section_id: int, parent_section_id: int | None) -> None:
        self._run(cursor, f"UPDATE {META} SET parent_section_id = ? WHERE section_id = ?",
                       [parent_section_id, section_id])

    def clear(self, cursor) -> None:
        for table in (FTS, META, AUTHORS):
            self._run(cursor, f"DELETE FROM {table}")

    def indexed_ids(self, cursor) -> set[int]:
        self._run(cursor, f"SELECT article_id FROM {META}")
        return {row[0] for row in cursor.fetchall()}

    def optimize(self, cursor) -> None:
        """Merge the index's segments into one: faster queries after a bulk load."""
        self._run(cursor, f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")

    def _where(self, query: ParsedQuery, filters: SearchFilters) -> tuple[str, list]:
        """The conditions every match meets, as SQL on the FTS table's rowid only."""
        upper = _key_bound(filters.now) + _ID_MASK
        if filters.until is not None:
            upper = min(upper, _key_bound(filters.until) - 1)
        clauses = [f"{FTS} MATCH ?", "rowid <= ?"]
        params: list = [match_expression(query), upper]
        if filters.since is not None:
            clauses.append("rowid >= ?")
            params.append(_key_bound(filters.since))
        # The unary + keeps SQLite from handing these lists to FTS5 as rowid lookups: tested
        # against each match instead, they cost a probe in a small temporary index.
        if filters.section_id is not None:
            clauses.append(
                f"+rowid IN (SELECT doc_key FROM {META} WHERE section_id = ? "
                f"UNION ALL SELECT doc_key FROM {META} WHERE parent_section_id = ?)"
            )
            params += [filters.section_id, filters.section_id]
        if filters.author_id is not None:
            clauses.append(f"+rowid IN (SELECT doc_key FROM {AUTHORS} WHERE author_id = ?)")
            params.append(filters.author_id)
        return " AND ".join(clauses), params

    def _ranked_keys(self, cursor, where: str, params: list, total: int, limit: int,
                     offset: int, sort: str) -> list[tuple[int, float]]:
        """(key, score) for one page: relevance over the newest rank_window matches, then the
        older ones newest first; or all newest first."""
        weights = ", ".join(str(w) for w in WEIGHTS)
        newest_first = f"SELECT rowid, 0.0 FROM {FTS} WHERE {where} ORDER BY rowid DESC"
        if sort != "relevance":
            self._run(cursor, f"{newest_first} LIMIT ? OFFSET ?", [*params, limit, offset])
            return cursor.fetchall()
        window = min(total, self.rank_window)
        page: list = []
        if offset < window:
            cutoff_clause, cutoff_params = "", []
            if total > window:
                self._run(cursor, f"{newest_first} LIMIT 1 OFFSET ?", [*params, window - 1])
                cutoff_clause, cutoff_params = " AND rowid >= ?", [cursor.fetchone()[0]]
            self._run(cursor,
                f"SELECT rowid, bm25({FTS}, {weights}) AS score FROM {FTS} "
                f"WHERE {where}{cutoff_clause} ORDER BY score, rowid DESC LIMIT ? OFFSET ?",
                [*params, *cutoff_params, min(limit, window - offset), offset],
            )
            page = [(key, -score) for key, score in cursor.fetchall()]
        if len(page) < limit and total > window:
            older_offset = max(0, offset - window) + window
            self._run(cursor, f"{newest_first} LIMIT ? OFFSET ?",
                           [*params, limit - len(page), older_offset])
            page += cursor.fetchall()
        return page

    def search(self, cursor, query: ParsedQuery, filters: SearchFilters, *, limit: int,
               offset: int = 0, sort: str = "relevance") -> SearchPage:
        if query.is_empty:
            return SearchPage(total=0)
        where, params = self._where(query, filters)
        self._run(cursor, f"SELECT count(*) FROM (SELECT 1 FROM {FTS} WHERE {where} LIMIT ?)",
                  [*params, COUNT_LIMIT + 1])
        counted = cursor.fetchone()[0]
        total, exact = min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT
        if total <= offset:
            return SearchPage(total=total, total_is_exact=exact)
        ranked = self._ranked_keys(cursor, where, params, total, limit, offset, sort)
        keys = [key for key, _ in ranked]
        marks = ", ".join("?" * len(keys))
        self._run(cursor,
            f"SELECT f.rowid, m.article_id, highlight({FTS}, {TITLE_COL}, ?, ?), "
            f"snippet({FTS}, {BODY_COL}, ?, ?, '…', {SNIPPET_TOKENS}), "
            f"highlight({FTS}, {SUMMARY_COL}, ?, ?) "
            f"FROM {FTS} AS f JOIN {META} AS m ON m.doc_key = f.rowid "
            f"WHERE {FTS} MATCH ? AND f.rowid IN ({marks})",
            [MARK_START, MARK_END, MARK_START, MARK_END, MARK_START, MARK_END, params[0], *keys],
        )
        marked = {row[0]: row[1:] for row in cursor.fetchall()}
        hits = []
        for key, score in ranked:
            if key in marked:
                article_id, title, body, summary = marked[key]
                snippet = best_passage(body, summary)
                hits.append(SearchHit(id=article_id, score=score, title_html=marked_to_html(title),
                                      snippet_html=marked_to_html(snippet)))
        return SearchPage(total=total, hits=hits, total_is_exact=exact)
