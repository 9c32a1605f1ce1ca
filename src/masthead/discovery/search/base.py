"""What every search backend takes and gives, and the interface they share."""

import html
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from .query import ParsedQuery, join_cjk

# Highlight markers: control characters no document keeps (clean_text removes them), turned into
# <mark> only after the text around them has been HTML-escaped.
MARK_START, MARK_END = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Plain text fit for an index: no control characters, whitespace collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()


def marked_to_html(text: str) -> str:
    """Escape a backend's highlighted text and turn its markers into <mark> elements."""
    escaped = html.escape(join_cjk(text or ""), quote=False)
    escaped = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # A snippet cut inside a highlight must not leave an element open.
    opened = escaped.count("<mark>") - escaped.count("</mark>")
    return escaped + "</mark>" * max(0, opened)


def best_passage(body: str, summary: str) -> str:
    """The passage to show under a hit: the body's, unless only the summary holds a match."""
    if MARK_START not in (body or "") and MARK_START in (summary or ""):
        return summary
    return body


@dataclass(frozen=True)
class SearchDocument:
    """One article as the index sees it: the text to search and the facts to filter on."""

    id: int
    title: str
    summary: str
    body: str
    published_at: datetime  # aware
    section_id: int | None = None
    parent_section_id: int | None = None
    author_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing a search. `now` is required: nothing released after it is found, which is how a
    scheduled article stays unfindable until its time with no job to run at that time."""

    now: datetime
    section_id: int | None = None  # the section or any of its subsections
    author_id: int | None = None
    since: datetime | None = None  # released at or after
    until: datetime | None = None  # released before


@dataclass
class SearchHit:
    id: int
    score: float
    title_html: str  # the title, matches in <mark>, HTML-escaped
    snippet_html: str  # a passage of the text around the matches, the same way


@dataclass
class SearchPage:
    """One page of hits. Counting stops at COUNT_LIMIT: past it `total` is that limit and
    `total_is_exact` False ("more than 10,000 results"), which keeps a word found in every
    article as quick to count as a rare one."""

    total: int
    hits: list[SearchHit] = field(default_factory=list)
    total_is_exact: bool = True


COUNT_LIMIT = 10_000


class SearchBackend(ABC):
    """A full-text index of articles living in the site's own database.

    Every method takes a DB-API cursor, so index writes share the transaction of the article
    change that caused them: a rolled-back edit leaves no trace in the index either."""

    #: the `sort` values search() accepts
    SORTS = ("relevance", "newest")

    @abstractmethod
    def create_schema(self, cursor) -> None: ...

    @abstractmethod
    def drop_schema(self, cursor) -> None: ...

    @abstractmethod
    def upsert(self, cursor, documents: list[SearchDocument]) -> None: ...

    @abstractmethod
    def delete(self, cursor, ids: list[int]) -> None: ...

    @abstractmethod
    def move_section(self, cursor, section_id: int, parent_section_id: int | None) -> None:
        """A section got a new parent: its articles now count for that one in filters."""

    @abstractmethod
    def clear(self, cursor) -> None: ...

    @abstractmethod
    def indexed_ids(self, cursor) -> set[int]: ...

    @abstractmethod
    def search(self, cursor, query: ParsedQuery, filters: SearchFilters, *, limit: int,
               offset: int = 0, sort: str = "relevance") -> SearchPage: ...
