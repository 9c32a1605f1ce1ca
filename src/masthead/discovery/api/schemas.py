"""How each object looks in JSON. One ninja schema per shape both serialises the object (its
`resolve_*` methods turn model attributes into API fields) and is its description in the OpenAPI
document, so the two cannot drift apart."""

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model

from masthead.site.structured_data import absolute

Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
# isoformat(), as the API always wrote it ("+00:00", not pydantic's "Z").
DateTime = Annotated[datetime, PlainSerializer(datetime.isoformat, return_type=str),
                     WithJsonSchema({"type": "string", "format": "date-time"})]
NullableDateTime = Annotated[datetime | None,
                             PlainSerializer(lambda v: v.isoformat() if v else None),
                             WithJsonSchema({"type": ["string", "null"],
                                             "format": "date-time"})]


class Closed(Schema):
    """Every field required (nullable ones too) and nothing else, as clients may rely on.
    (Said in the schema only: ninja's extra="forbid" would validate the model object itself.)"""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False},
                              json_schema_serialization_defaults_required=True)


def _url(obj, context) -> str:
    return absolute(context["request"], obj.get_absolute_url())


def _link(request, obj, name: str) -> dict:
    return {"slug": obj.slug, "name": name, "url": absolute(request, obj.get_absolute_url())}


class Error(Closed):
    error: str


class Link(Closed):
    slug: str
    name: str
    url: Url


class Image(Closed):
    url: Url
    alt: str
    caption: str


class Article(Closed):
    id: int
    url: Url
    slug: str
    title: str
    summary: str
    language: str
    published_at: DateTime
    updated_at: NullableDateTime
    section: Link | None
    authors: list[Link]
    tags: list[Link]
    image: Image | None
    translation_of: int | None

    resolve_url = staticmethod(_url)

    @staticmethod
    def resolve_summary(a):
        return a.dek

    @staticmethod
    def resolve_section(a, context):
        return _link(context["request"], a.section, a.section.name) if a.section_id else None

    @staticmethod
    def resolve_authors(a, context):
        return [_link(context["request"], x, x.display_name) for x in a.authors.all()]

    @staticmethod
    def resolve_tags(a, context):
        return [_link(context["request"], t, t.name) for t in a.tags.all()]

    @staticmethod
    def resolve_image(a, context):
        if not a.image_src:
            return None
        return {"url": absolute(context["request"], a.image_src), "alt": a.image_alt,
                "caption": a.image_caption}

    @staticmethod
    def resolve_translation_of(a):
        return a.translation_of_id


class Source(Closed):
    name: str
    url: Url | None
    language: str | None
    published_at: NullableDateTime


class Translation(Closed):
    id: int
    language: str
    url: Url

    resolve_url = staticmethod(_url)


class ArticleDetail(Article):
    body_html: str
    source: Source | None
    translations: list[Translation]

    @staticmethod
    def resolve_source(a):
        if not (a.source_name or a.source_url):
            return None
        return {"name": a.source_name, "url": a.source_url or None,
                "language": a.source_language or None, "published_at": a.source_published_at}


class Section(Closed):
    slug: str
    name: str
    description: str
    url: Url
    parent: str | None
    position: int

    resolve_url = staticmethod(_url)

    @staticmethod
    def resolve_parent(s):
        return s.parent.slug if s.parent_id else None


class Tag(Link):
    resolve_url = staticmethod(_url)


class Author(Closed):
    slug: str
    name: str
    bio: str
    url: Url
    avatar: Url | None

    resolve_url = staticmethod(_url)

    @staticmethod
    def resolve_name(x):
        return x.display_name

    @staticmethod
    def resolve_avatar(x, context):
        return absolute(context["request"], x.avatar.url) if x.avatar else None


class Page(Closed):
    slug: str
    title: str
    url: Url
    updated_at: DateTime

    resolve_url = staticmethod(_url)


class PageDetail(Page):
    body_html: str


class Listing(Closed):
    count: int = Field(ge=0)
    count_is_exact: bool = Field(description=(
        "False when there were more than could be counted (10,000): count and num_pages then "
        "say how many were counted, and next still leads on while there are more."))
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    num_pages: int = Field(ge=1)
    next: Url | None
    previous: Url | None


def listing(item: type[Schema]) -> type[Listing]:
    """The page-of-results shape for one kind of item, named after it (ArticleList, ...)."""
    return create_model(f"{item.__name__}List", __base__=Listing, results=(list[item], ...))


class Root(Closed):
    resources: dict[str, Url]
    openapi: Url
