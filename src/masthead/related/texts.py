"""Reading the text of the articles that may appear in related lists."""

from dataclasses import dataclass

from masthead.newsroom.models import LIVE_STATUSES, Article

from .engine.neighbours import Member
from .engine.text import document_text

BATCH = 2000

TEXT_FIELDS = ["pk", "translation_of_id", "language", "published_at", "title", "dek", "body",
               "section__name", "section__parent__name"]


def indexable_articles():
    """Articles that may appear in lists: live now, or scheduled to be (a page shows them once
    released, by the live rule, with nothing recomputed then)."""
    return Article.objects.filter(status__in=LIVE_STATUSES, published_at__isnull=False)


@dataclass
class ArticleText:
    member: Member
    text: str


def read_texts(progress=None):
    """Yield ArticleText batches for every indexable article, in id order.

    The ids come first, then each batch by primary key: a filtered, ordered and limited query
    per batch lets SQLite pick the status index and sort the whole table every time."""
    ids = list(indexable_articles().order_by("pk").values_list("pk", flat=True))
    for done in range(0, len(ids), BATCH):
        chunk = ids[done:done + BATCH]
        rows = list(indexable_articles().filter(pk__in=chunk).order_by("pk")
                    .values_list(*TEXT_FIELDS))
        yield _with_tags(rows)
        if progress:
            progress(done + len(chunk), len(ids))


def texts_of(article_ids) -> dict[int, ArticleText]:
    """ArticleText of those of these articles that are indexable, by id."""
    rows = list(indexable_articles().filter(pk__in=list(article_ids)).order_by()
                .values_list(*TEXT_FIELDS))
    return {t.member.article_id: t for t in _with_tags(rows)}


def _with_tags(rows) -> list[ArticleText]:
    tags: dict[int, list[str]] = {}
    through = Article.tags.through.objects.filter(article_id__in=[r[0] for r in rows])
    for article_id, name in through.order_by().values_list("article_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    return [_article_text(row, tags.get(row[0], ())) for row in rows]


def _article_text(row, tags) -> ArticleText:
    pk, original, language, published, title, dek, body, section, parent = row
    member = Member(article_id=pk, group=original or pk, language=language,
                    published=published.timestamp())
    text = document_text(title, dek, body, tags, " ".join(s for s in (parent, section) if s))
    return ArticleText(member, text)
