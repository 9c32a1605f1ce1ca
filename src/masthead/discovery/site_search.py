"""Site search, the Django side: which backend the database gets, articles as search documents,
keeping the index in step with the newsroom, and searching on behalf of a view or the API.

The index lives in the site's own database and follows the change seam (see signals.py): right
after an article change commits, publish, edit and unpublish show in search; a rolled-back change
never reaches the index; imports reindex in batches, big ones in a background job.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from masthead.newsroom.models import LIVE_STATUSES, Article

from .search import SearchDocument, SearchFilters, SearchHit, parse_query
from .search.base import SearchBackend
from .search.postgres_fts import PostgresFtsBackend
from .search.sqlite_fts import SqliteFtsBackend

# The live rule's statuses; the index holds future releases too and search checks the time.
SEARCHABLE_STATUSES = LIVE_STATUSES
_TAG = re.compile(r"<[^>]+>")


def backend_for(conn=None) -> SearchBackend:
    """The backend the database engine calls for: FTS5 on SQLite, tsvector on PostgreSQL."""
    conn = conn or connection
    window = settings.MASTHEAD_SEARCH_RANK_WINDOW
    if conn.vendor == "postgresql":
        return PostgresFtsBackend(settings.MASTHEAD_SEARCH_LANGUAGE, rank_window=window)
    if conn.vendor == "sqlite":
        return SqliteFtsBackend(rank_window=window, placeholder="%s")
    raise NotImplementedError(f"site search supports SQLite and PostgreSQL, not {conn.vendor}")


def html_to_text(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup or ""))


def document_for(article) -> SearchDocument | None:
    """What the index keeps of an article, or None when readers may never see it (a draft, an
    article waiting for review). A scheduled article is indexed: searches filter on the release
    time, so it is found from that moment on with nothing to run then.

    Works on historical models too (the migration that fills the index uses it)."""
    if article.status not in SEARCHABLE_STATUSES or article.published_at is None:
        return None
    section = article.section
    return SearchDocument(
        id=article.pk,
        title=article.title,
        summary=article.dek,
        body=html_to_text(article.body_html),
        published_at=article.published_at,
        section_id=article.section_id,
        parent_section_id=section.parent_id if section is not None else None,
        author_ids=tuple(sorted(a.pk for a in article.authors.all())),
    )


def reindex(article_ids, *, model=Article, conn=None) -> None:
    """Bring the index in step with these articles: (re)write the searchable ones, drop the rest."""
    article_ids = list(article_ids)
    if not article_ids:
        return
    articles = model.objects.filter(pk__in=article_ids).select_related("section") \
        .prefetch_related("authors")
    documents = [d for d in (document_for(a) for a in articles) if d is not None]
    conn = conn or connection
    index = backend_for(conn)
    with conn.cursor() as cursor:
        keep = {d.id for d in documents}
        index.delete(cursor, [pk for pk in article_ids if pk not in keep])
        index.upsert(cursor, documents)


def remove(article_ids) -> None:
    with connection.cursor() as cursor:
        backend_for().delete(cursor, list(article_ids))


def move_section(section_id: int, parent_section_id: int | None) -> None:
    with connection.cursor() as cursor:
        backend_for().move_section(cursor, section_id, parent_section_id)


def rebuild(*, model=Article, conn=None, batch_size: int = 500, progress=None) -> int:
    """Index every article from scratch; returns how many are searchable. `progress(n)` is
    called after each batch with the number of articles done."""
    conn = conn or connection
    index = backend_for(conn)
    with conn.cursor() as cursor:
        index.clear(cursor)
    ids = list(model.objects.filter(status__in=SEARCHABLE_STATUSES).order_by("pk")
               .values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        reindex(ids[start : start + batch_size], model=model, conn=conn)
        if progress:
            progress(min(len(ids), start + batch_size))
    if isinstance(index, SqliteFtsBackend):
        with conn.cursor() as cursor:
            index.optimize(cursor)
    return len(ids)


@dataclass
class SearchResult:
    """One hit with its article (loaded for lists: section and authors included)."""

    article: Article
    title_html: str
    snippet_html: str
    score: float


@dataclass
class SearchResults:
    query: str
    total: int  # at most search.base.COUNT_LIMIT; then total_is_exact is False
    page: int
    per_page: int
    results: list[SearchResult] = field(default_factory=list)
    total_is_exact: bool = True

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(text: str, *, section_id=None, author_id=None, since: datetime | None = None,
           until: datetime | None = None, page: int = 1, per_page: int = 10,
           sort: str = "relevance", now: datetime | None = None) -> SearchResults:
    """Published articles matching `text`, best first: a fixed handful of queries at most."""
    now = now or timezone.now()
    filters = SearchFilters(now=now, section_id=section_id, author_id=author_id, since=since,
                            until=until)
    with connection.cursor() as cursor:
        found = backend_for().search(cursor, parse_query(text), filters, limit=per_page,
                                     offset=(page - 1) * per_page, sort=sort)
    # By primary key only: with a "published" filter too, SQLite may walk the status index
    # instead. The index already holds only what is released by `now`; is_live double-checks.
    articles = Article.objects.for_lists().order_by().in_bulk([h.id for h in found.hits])
    return SearchResults(
        query=text, total=found.total, page=page, per_page=per_page,
        total_is_exact=found.total_is_exact,
        results=[_result(hit, articles[hit.id]) for hit in found.hits
                 if hit.id in articles and articles[hit.id].published_at <= now
                 and articles[hit.id].status in SEARCHABLE_STATUSES],
    )


def _result(hit: SearchHit, article: Article) -> SearchResult:
    return SearchResult(article=article, title_html=hit.title_html, snippet_html=hit.snippet_html,
                        score=hit.score)
