"""The content API's operations: a list and a detail for each resource, on django-ninja.

Each operation declares its parameters (params.py) and its answers (schemas.py); ninja checks
the one and serialises the other, and builds the OpenAPI document from both."""

import functools
from typing import Annotated

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from ninja import Field, Path, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from masthead.discovery import site_search
from masthead.discovery.search.base import COUNT_LIMIT
from masthead.newsroom import models

from . import schemas
from .http import ContentAPI
from .params import (
    LANGUAGE_CODES,
    MAX_ID,
    MAX_PAGE,
    DateTime,
    ParamError,
    Query,
    Slug,
    choice,
    refuse_unknown_or_repeated,
    text,
    whole_number,
)

api = ContentAPI(
    title="Masthead content API",
    version="1.0.0",
    urls_namespace="content-api",
    description=(
        "Read-only JSON access to what the site publishes. Lists are paged (page, "
        f"per_page up to {settings.MASTHEAD_API_MAX_PAGE_SIZE}); unknown or repeated "
        "query parameters are refused with 400. Every 200 carries an ETag; send it back "
        "in If-None-Match to get 304 Not Modified when nothing changed."
    ),
)

RESOURCES = ("articles", "sections", "tags", "authors", "pages")


# -- parameters ------------------------------------------------------------------------------

class Paging(Schema):
    page: whole_number(1, MAX_PAGE) = Field(1, description="The page of results, from 1.")
    per_page: whole_number(1, settings.MASTHEAD_API_MAX_PAGE_SIZE) = Field(
        settings.MASTHEAD_API_PAGE_SIZE, description="Results per page.")


class ArticleFilters(Paging):
    section: Slug = Field(None, description="Only articles in this section or its subsections.")
    tag: Slug = Field(None, description="Only articles with this tag.")
    author: Slug = Field(None, description="Only articles by this author.")
    language: choice(LANGUAGE_CODES) = Field(None, description="Only articles in this language.")
    since: DateTime = Field(None, description="Only articles released at or after this time.")
    until: DateTime = Field(None, description="Only articles released before this time.")
    q: text(500) = Field(None, description="Full-text search; results come best match first. "
                                           "Cannot be combined with tag or language.")


class SectionFilters(Paging):
    parent: Slug = Field(None, description="Only the subsections of this section.")


ArticleId = Annotated[whole_number(1, MAX_ID), Path(description="The article's id.")]
SlugInPath = Annotated[Slug, Path(description="The slug, as in the page's address.")]
NO_QUERY: tuple = ()


def _listed(item):
    return {200: schemas.listing(item), 304: None, 400: schemas.Error, 404: schemas.Error}


def _one(item):
    return {200: item, 304: None, 400: schemas.Error, 404: schemas.Error}


# -- lists -----------------------------------------------------------------------------------

def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _listing(request, paging: Paging, total: int, exact: bool, objects, more: bool) -> dict:
    """The page of results; a page past the end of a list is a 404 (page 1 of an empty list is
    an empty page)."""
    page, per_page = paging.page, paging.per_page
    num_pages = max(1, -(-total // per_page))
    if page > 1 and not objects:
        last = f"; the last is page {num_pages}" if exact else ""
        raise HttpError(404, f"Page {page} is past the end of the list{last}.")
    return {
        "count": total, "count_is_exact": exact, "page": page, "per_page": per_page,
        "num_pages": num_pages,
        "next": _page_url(request, page + 1) if more else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": objects,
    }


def page_of(request, queryset, rows, paging: Paging) -> dict:
    """One page of `queryset` (filtered and ordered), loaded from `rows` (what the items show).

    The count stops at COUNT_LIMIT, as the search's does, so a deep archive costs what a small
    one does; the page's keys are picked first, from the ordering alone, and only those rows
    are loaded, so a deep page does not read the bodies it skips."""
    counted = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    total, exact = min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT
    start = (paging.page - 1) * paging.per_page
    if exact and start >= total:
        return _listing(request, paging, total, exact, [], more=False)
    keys = queryset.values("pk")[start : start + paging.per_page + 1]
    objects = list(rows.filter(pk__in=keys))
    return _listing(request, paging, total, exact, objects[: paging.per_page],
                    more=len(objects) > paging.per_page)


def _live_articles():
    return models.Article.objects.live()


ITEM_PREFETCHES = (
    Prefetch("authors", queryset=models.Author.objects.only("slug", "display_name")),
    Prefetch("tags", queryset=models.Tag.objects.only("slug", "name")),
)


def article_rows():
    """What an article in a list shows, and no more (no body, no body_html)."""
    return _live_articles().select_related("section").prefetch_related(*ITEM_PREFETCHES).only(
        "id", "slug", "title", "dek", "language", "published_at", "updated_at", "created_at",
        "featured_image", "featured_image_url", "image_alt", "image_caption",
        "translation_of_id", "section__slug", "section__name",
    ).order_by("-published_at", "-pk")


@api.api_operation(["GET", "HEAD"], "/articles/", response=_listed(schemas.Article),
                   operation_id="list_articles", tags=["articles"],
                   summary="Published articles, newest first (best match first with q).")
def list_articles(request, filters: Annotated[ArticleFilters, Query(...)]):
    if filters.q is not None:
        return _search_articles(request, filters)
    queryset = _live_articles().order_by("-published_at", "-pk")
    if filters.section:  # by slug, in the same statement: no query to look the section up
        queryset = queryset.in_section(models.Section.objects.filter(slug=filters.section)
                                       .order_by().values("pk")[:1])
    if filters.tag:
        queryset = queryset.filter(tags__slug=filters.tag)
    if filters.author:
        queryset = queryset.filter(authors__slug=filters.author)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.since:
        queryset = queryset.filter(published_at__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(published_at__lt=filters.until)
    if filters.tag or filters.author:
        queryset = queryset.distinct()
    return page_of(request, queryset, article_rows(), filters)


def _search_articles(request, filters: ArticleFilters) -> dict:
    if filters.tag or filters.language:
        raise ParamError("'q' cannot be combined with 'tag' or 'language'.")
    ids = {}
    for key, model in (("section", models.Section), ("author", models.Author)):
        if getattr(filters, key):
            ids[key] = model.objects.filter(slug=getattr(filters, key)) \
                .values_list("pk", flat=True).first()
            if ids[key] is None:  # a filter naming nothing matches nothing
                return _listing(request, filters, 0, True, [], more=False)
    found = site_search.search(
        filters.q, section_id=ids.get("section"), author_id=ids.get("author"),
        since=filters.since, until=filters.until, page=filters.page, per_page=filters.per_page,
    )
    # The search has loaded its articles already; fetch only what it did not (Django skips a
    # lookup that is already prefetched), so the page costs one more query, not three.
    articles = [r.article for r in found.results]
    prefetch_related_objects(articles, *ITEM_PREFETCHES)
    return _listing(request, filters, found.total, found.total_is_exact, articles,
                    more=filters.page < found.num_pages)


@api.api_operation(["GET", "HEAD"], "/sections/", response=_listed(schemas.Section),
                   operation_id="list_sections", tags=["sections"],
                   summary="Sections, in navigation order.")
def list_sections(request, filters: Annotated[SectionFilters, Query(...)]):
    queryset = models.Section.objects.order_by("position", "name", "pk")
    if filters.parent:
        queryset = queryset.filter(parent__slug=filters.parent)
    return page_of(request, queryset, models.Section.objects.select_related("parent")
                   .order_by("position", "name", "pk"), filters)


@api.api_operation(["GET", "HEAD"], "/tags/", response=_listed(schemas.Tag),
                   operation_id="list_tags", tags=["tags"], summary="Tags, alphabetically.")
def list_tags(request, paging: Annotated[Paging, Query(...)]):
    queryset = models.Tag.objects.order_by("name", "pk")
    return page_of(request, queryset, queryset, paging)


@api.api_operation(["GET", "HEAD"], "/authors/", response=_listed(schemas.Author),
                   operation_id="list_authors", tags=["authors"],
                   summary="Authors (bylines), alphabetically.")
def list_authors(request, paging: Annotated[Paging, Query(...)]):
    queryset = models.Author.objects.order_by("display_name", "pk")
    return page_of(request, queryset, queryset, paging)


def _live_pages():
    return models.Page.objects.filter(is_published=True).order_by("title", "pk")


@api.api_operation(["GET", "HEAD"], "/pages/", response=_listed(schemas.Page),
                   operation_id="list_pages", tags=["pages"],
                   summary="Published static pages (About, the privacy policy, ...).")
def list_pages(request, paging: Annotated[Paging, Query(...)]):
    return page_of(request, _live_pages(), _live_pages().defer("body", "body_html"), paging)


# -- one object ------------------------------------------------------------------------------

def _found(request, obj, kind: str, key):
    """The object, or a JSON 404 naming what was asked for. Detail addresses take no query
    parameters, so any is refused as unknown."""
    refuse_unknown_or_repeated(request.GET, NO_QUERY)
    if obj is None:
        return Status(404, {"error": f"No {kind} '{str(key)[:100]}'."})
    return obj


@api.api_operation(["GET", "HEAD"], "/articles/{id}/", response=_one(schemas.ArticleDetail),
                   operation_id="get_articles", tags=["articles"],
                   summary="One of the articles.")
def get_article(request, id: ArticleId):
    translations = Prefetch("translations", queryset=_live_articles().order_by("pk").only(
        "pk", "slug", "language", "published_at", "created_at", "translation_of_id"))
    article = _live_articles().select_related("section").prefetch_related(
        "authors", "tags", translations).filter(pk=id).first()
    return _found(request, article, "article", id)


@api.api_operation(["GET", "HEAD"], "/sections/{slug}/", response=_one(schemas.Section),
                   operation_id="get_sections", tags=["sections"],
                   summary="One of the sections.")
def get_section(request, slug: SlugInPath):
    section = models.Section.objects.select_related("parent").filter(slug=slug).first()
    return _found(request, section, "section", slug)


@api.api_operation(["GET", "HEAD"], "/tags/{slug}/", response=_one(schemas.Tag),
                   operation_id="get_tags", tags=["tags"], summary="One of the tags.")
def get_tag(request, slug: SlugInPath):
    return _found(request, models.Tag.objects.filter(slug=slug).first(), "tag", slug)


@api.api_operation(["GET", "HEAD"], "/authors/{slug}/", response=_one(schemas.Author),
                   operation_id="get_authors", tags=["authors"], summary="One of the authors.")
def get_author(request, slug: SlugInPath):
    return _found(request, models.Author.objects.filter(slug=slug).first(), "author", slug)


@api.api_operation(["GET", "HEAD"], "/pages/{slug}/", response=_one(schemas.PageDetail),
                   operation_id="get_pages", tags=["pages"], summary="One of the pages.")
def get_page(request, slug: SlugInPath):
    return _found(request, _live_pages().filter(slug=slug).first(), "page", slug)


# -- the root, the description and unknown addresses -------------------------------------------

@api.api_operation(["GET", "HEAD"], "/", response=schemas.Root, include_in_schema=False)
def root(request):
    refuse_unknown_or_repeated(request.GET, NO_QUERY)
    return {"resources": {name: request.build_absolute_uri(f"/api/v1/{name}/")
                          for name in RESOURCES},
            "openapi": request.build_absolute_uri(reverse("discovery:openapi"))}


@functools.cache  # the operations are fixed once the module is loaded; ninja takes ~0.1 s
def openapi_document() -> dict:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for operations in document["paths"].values():
        operations.pop("head", None)  # HEAD is GET without the body; one operation to describe
        for operation in operations.values():
            operation["responses"][200]["headers"] = {"ETag": {
                "schema": {"type": "string"},
                "description": "Send it back in If-None-Match to get 304 when unchanged."}}
            responses = operation["responses"]
            responses[400]["description"] = "A query parameter is unknown, repeated or invalid."
            responses[404]["description"] = ("No such object." if operation["parameters"][0]["in"]
                                             == "path" else "The page is past the end.")
    return document


def openapi_json(request):
    if request.method not in ("GET", "HEAD"):
        response = api.error(request, 405, "Only GET is allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    return api.create_response(request, openapi_document(), status=200)


def not_found(request):
    """Any other /api/v1/ address: a JSON 404, not the site's HTML page."""
    return api.error(request, 404, "No such API address; see /api/openapi.json.")
