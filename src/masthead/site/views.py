"""The public site. Every view reads; none computes anything that grows with the archive.

Each page costs a fixed number of SQL queries (tests assert them), and an anonymous page is the
same bytes for every reader: nothing here depends on cookies or the session.
"""

import datetime
import re

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from masthead import changes
from masthead.newsroom.models import Article, Author, Page, Section, Tag

from . import structured_data

HOME_WINDOW = 40  # newest articles the home page ranks for its top stories
SECTION_BLOCK_SIZE = 4
# Page numbers as a reader or a link writes them: "0", "-1", "01", "2.0", "1e3" or a number past
# any archive are no page at all, answered 404 before the database is asked anything.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,6}")


def page_number(request) -> int:
    """The `?page=` asked for (1 when absent); 404 when it is not a page number."""
    raw = request.GET.get("page")
    if raw is None:
        return 1
    if not PAGE_NUMBER.fullmatch(raw):
        raise Http404("No such page.")
    return int(raw)


def paginate(request, queryset, per_page=None):
    """One page of `queryset`; a page past the end or not a number is a 404, never a 500.

    The count and the page are two bounded queries on the list's index: the count never reads
    the table rows (the index holds every column it tests), and the page reads only its own."""
    number = page_number(request)
    paginator = Paginator(queryset, per_page or settings.MASTHEAD_PAGE_SIZE)
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page.")


def _rank_for_home(articles, now):
    """Order the newest stories by importance, letting age pull them down: a 5 from two days ago
    sits below a fresh 4. The lead flag wins outright."""

    def score(article):
        hours = max(0.0, (now - article.published_at).total_seconds() / 3600)
        return (article.is_lead, article.importance - hours / 24)

    return sorted(articles, key=score, reverse=True)


def home(request):
    now = timezone.now()
    # Each block's newest few, and the newest overall, by one statement of bounded queries (one
    # per section, each walking its index from the newest end), then the cards by id.
    sections = list(Section.objects.values_list("pk", "parent_id"))
    groups = {None: None}
    for pk, parent_id in sections:
        if parent_id is None:
            groups[pk] = [pk] + [child for child, parent in sections if parent == pk]
    ids = Article.objects.published(now).newest_ids_per_group(
        groups, max(HOME_WINDOW, SECTION_BLOCK_SIZE))
    ids = {key: found[:HOME_WINDOW if key is None else SECTION_BLOCK_SIZE]
           for key, found in ids.items()}
    wanted = {pk for found in ids.values() for pk in found}
    cards = Article.objects.for_lists().order_by().in_bulk(wanted)
    newest = [cards[pk] for pk in ids.pop(None) if pk in cards]
    ranked = _rank_for_home(newest, now)
    lead = ranked[0] if ranked else None
    top = ranked[1:5]
    shown = {a.pk for a in ranked[:5]}
    latest = [a for a in newest if a.pk not in shown][:8]
    blocks = {key: [cards[pk] for pk in found if pk in cards] for key, found in ids.items()}
    return TemplateResponse(request, "site/home.html", {
        "lead": lead, "top_stories": top, "latest": latest, "section_blocks": blocks,
        "structured_data": structured_data.for_home(request),
    })


class SectionArticleIds:
    """The ids of a section's live articles and its subsections', newest first, as a Paginator
    takes them: `count()` from the (section, published_at) index, and a slice merged from one
    index walk per section, each stopping at the slice's end. A single ORDER BY over several
    sections would have the database sort every article they hold."""

    def __init__(self, section_ids):
        self.section_ids = section_ids
        self.articles = Article.objects.published()

    def count(self):
        return self.articles.in_sections(self.section_ids).count()

    def __getitem__(self, window: slice):
        newest = self.articles.newest_ids_per_group({"section": self.section_ids}, window.stop)
        return newest["section"][window]


def section(request, slug):
    # The section and its subsections in one query: the page lists the subsections' articles too.
    family = list(Section.objects.select_related("parent")
                  .filter(Q(slug=slug) | Q(parent__slug=slug)))
    section = next((s for s in family if s.slug == slug), None)
    if section is None:
        raise Http404("No such section.")
    return _archive(request, "site/archive.html", SectionArticleIds([s.pk for s in family]), {
        "archive_title": section.name, "archive_kind": "Section", "section": section,
        "archive_description": section.description,
        "breadcrumbs": _section_crumbs(section, current=True),
    })


def _ids(articles):
    return articles.front_page_order().values_list("pk", flat=True)


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tags=tag)
    return _archive(request, "site/archive.html", _ids(articles), {
        "archive_title": tag.name, "archive_kind": "Tag", "tag": tag,
        "breadcrumbs": [("Tags", None), (tag.name, None)],
    })


def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().filter(authors=author)
    return _archive(request, "site/author.html", _ids(articles), {
        "archive_title": author.display_name, "archive_kind": "Author", "author": author,
        "breadcrumbs": [("Authors", None), (author.display_name, None)],
    })


def date_archive(request, year, month=None, day=None):
    try:
        start = datetime.date(int(year), int(month or 1), int(day or 1))
        if day:
            end, label = start + datetime.timedelta(days=1), start.strftime("%-d %B %Y")
        elif month:
            end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            label = start.strftime("%B %Y")
        else:
            end, label = start.replace(year=start.year + 1), str(start.year)
    except (ValueError, OverflowError):  # 2023/02/30, or the end of 9999 (past date.max)
        raise Http404("No such date.")
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    articles = Article.objects.published().filter(published_at__gte=lo, published_at__lt=hi)
    crumbs = [(str(start.year), None if not month else f"/{start.year}/")]
    if month:
        crumbs.append((start.strftime("%B"), None if not day else f"/{start.year}/{start:%m}/"))
    if day:
        crumbs.append((str(start.day), None))
    return _archive(request, "site/archive.html", _ids(articles), {
        "archive_title": label, "archive_kind": "Archive", "breadcrumbs": crumbs,
    })


def _archive(request, template, article_ids, context):
    """A page of cards: the page's ids from the list's index, then those articles' cards."""
    page = paginate(request, article_ids)
    ids = list(page.object_list)
    cards = Article.objects.for_lists().order_by().in_bulk(ids)
    page.object_list = [cards[pk] for pk in ids if pk in cards]
    context.update({"page_obj": page, "articles": page.object_list})
    context["structured_data"] = structured_data.for_breadcrumbs(request, context["breadcrumbs"])
    return TemplateResponse(request, template, context)


def _section_crumbs(section, current=False):
    crumbs = []
    if section.parent_id:
        crumbs.append((section.parent.name, section.parent.get_absolute_url()))
    crumbs.append((section.name, None if current else section.get_absolute_url()))
    return crumbs


def article_queryset():
    return Article.objects.select_related(
        "section", "section__parent", "translation_of"
    ).prefetch_related(
        "authors", "tags",
        Prefetch("translations", queryset=Article.objects.published().only(
            "pk", "slug", "title", "language", "published_at", "translation_of_id", "created_at")),
    )


def article(request, year, month, day, slug):
    article = get_object_or_404(article_queryset(), slug=slug)
    if not article.is_live:
        raise Http404("No such article.")
    if request.path != article.get_absolute_url():
        # The date in the address is not the article's (its release date moved): send readers on.
        return redirect(article.get_absolute_url(), permanent=True)
    return render_article(request, article)


def render_article(request, article, preview=False):
    # The page shows this article with its comments and related list, and no article list.
    changes.shows(articles=[article.pk], comments=[article.pk], related=[article.pk], lists=False)
    crumbs = (_section_crumbs(article.section) if article.section_id else [])
    crumbs.append((article.title, None))
    translations = list(article.translations.all())
    original = article.translation_of if article.translation_of_id else None
    if original is not None and not original.is_live:
        original = None
    return TemplateResponse(request, "site/article.html", {
        "article": article, "authors": list(article.authors.all()),
        "tags": list(article.tags.all()),
        "breadcrumbs": crumbs, "translations": translations, "original": original,
        "preview": preview,
        "structured_data": structured_data.for_article(request, article, crumbs),
    })


def page(request, slug):
    page = get_object_or_404(Page, slug=slug, is_published=True)
    changes.shows(lists=False)
    crumbs = [(page.title, None)]
    return TemplateResponse(request, "site/page.html", {
        "page": page, "breadcrumbs": crumbs,
        "structured_data": structured_data.for_breadcrumbs(request, crumbs),
    })

