"""The site search engine's core: query parsing, highlighting and two index backends (SQLite FTS5
and PostgreSQL full-text search) behind one interface. Nothing here imports Django: a backend
works on any DB-API cursor, so it can be tested, benchmarked and reused on its own.

The Django glue (which backend, documents from articles, signals) is masthead.discovery.site_search.
"""

from .base import SearchDocument, SearchFilters, SearchHit, SearchPage
from .query import ParsedQuery, parse_query

__all__ = [
    "ParsedQuery", "SearchDocument", "SearchFilters", "SearchHit", "SearchPage", "parse_query",
]
