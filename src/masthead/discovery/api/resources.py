"""What the API serves. A resource declares its lookup, its filters, its queryset and how one
object looks in JSON, with the JSON Schema of that shape beside it."""

from django.db.models import Prefetch, Q

from masthead.discovery import site_search
from masthead.newsroom.models import LANGUAGES, Article, Author, Page, Section, Tag
from masthead.site.structured_data import absolute

from .params import ChoiceParam, DateTimeParam, IntParam, ParamError, SlugParam, TextParam

MAX_ID = 2**63 - 1


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def object_schema(properties: dict, required=None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(required if required is not None else properties),
            "additionalProperties": False}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
DATETIME = {"type": "string", "format": "date-time"}
LINK = object_schema({"slug": STRING, "name": STRING, "url": URL})


def _iso(value):
    return value.isoformat() if value else None


def _link(request, obj, name) -> dict:
    return {"slug": obj.slug, "name": name, "url": absolute(request, obj.get_absolute_url())}


class Resource:
    name = ""  # the path segment: /api/v1/<name>/
    schema_name = ""  # the component name in the OpenAPI document
    summary = ""
    lookup = SlugParam("slug", "The slug, as in the page's address.")
    filters: tuple = ()

    def queryset(self):
        raise NotImplementedError

    def filter(self, request, queryset, values: dict):
        return queryset

    def get(self, key):
        return self.queryset().filter(slug=key).first()

    def item(self, request, obj, detail: bool) -> dict:
        raise NotImplementedError

    def item_schema(self, detail: bool) -> dict:
        raise NotImplementedError

    def search(self, request, values, page, per_page):
        """(total, whether it is exact, objects) when the filters ask for a search instead of a
        listing, else None."""
        return


class ArticleResource(Resource):
    name, schema_name = "articles", "Article"
    summary = "Published articles, newest first (best match first with q)."
    lookup = IntParam("id", "The article's id.", minimum=1, maximum=MAX_ID)
    filters = (
        SlugParam("section", "Only articles in this section or its subsections."),
        SlugParam("tag", "Only articles with this tag."),
        SlugParam("author", "Only articles by this author."),
        ChoiceParam("language", "Only articles in this language.",
                    choices=tuple(code for code, _ in LANGUAGES)),
        DateTimeParam("since", "Only articles released at or after this time."),
        DateTimeParam("until", "Only articles released before this time."),
        TextParam("q", "Full-text search; results come best match first. Cannot be combined "
                       "with tag or language."),
    )

    def queryset(self):
        return Article.objects.published().select_related("section", "section__parent") \
            .prefetch_related("authors", "tags").order_by("-published_at", "-pk")

    def get(self, key):
        return self.queryset().prefetch_related(Prefetch(
            "translations", queryset=Article.objects.published().order_by("pk").only(
                "pk", "slug", "language", "published_at", "created_at", "translation_of_id"),
        )).filter(pk=key).first()

    def filter(self, request, queryset, values):
        if "section" in values:
            queryset = queryset.filter(Q(section__slug=values["section"])
                                       | Q(section__parent__slug=values["section"]))
        if "tag" in values:
            queryset = queryset.filter(tags__slug=values["tag"])
        if "author" in values:
            queryset = queryset.filter(authors__slug=values["author"])
        if "language" in values:
            queryset = queryset.filter(language=values["language"])
        if "since" in values:
            queryset = queryset.filter(published_at__gte=values["since"])
        if "until" in values:
            queryset = queryset.filter(published_at__lt=values["until"])
        return queryset.distinct() if {"tag", "author"} & values.keys() else queryset

    def search(self, request, values, page, per_page):
        if "q" not in values:
            return None
        if {"tag", "language"} & values.keys():
            raise ParamError("'q' cannot be combined with 'tag' or 'language'.")
        ids = {}
        for key, model in (("section", Section), ("author", Author)):
            if key in values:
                ids[key] = model.objects.filter(slug=values[key]).values_list("pk", flat=True) \
                    .first()
                if ids[key] is None:
                    return 0, True, []  # a filter naming nothing matches nothing
        found = site_search.search(
            values["q"], section_id=ids.get("section"), author_id=ids.get("author"),
            since=values.get("since"), until=values.get("until"), page=page, per_page=per_page,
        )
        articles = {a.pk: a for a in self.queryset().filter(
            pk__in=[r.article.pk for r in found.results])}
        return found.total, found.total_is_exact, [articles[r.article.pk] for r in found.results
                             if r.article.pk in articles]

    def item(self, request, a, detail):
        data = {
            "id": a.pk,
            "url": absolute(request, a.get_absolute_url()),
            "slug": a.slug,
            "title": a.title,
            "summary": a.dek,
            "language": a.language,
            "published_at": _iso(a.published_at),
            "updated_at": _iso(a.updated_at),
            "section": _link(request, a.section, a.section.name) if a.section_id else None,
            "authors": [_link(request, x, x.display_name) for x in a.authors.all()],
            "tags": [_link(request, t, t.name) for t in a.tags.all()],
            "image": {"url": absolute(request, a.image_src), "alt": a.image_alt,
                      "caption": a.image_caption} if a.image_src else None,
            "translation_of": a.translation_of_id,
        }
        if detail:
            data["body_html"] = a.body_html
            data["source"] = {
                "name": a.source_name, "url": a.source_url or None,
                "language": a.source_language or None,
                "published_at": _iso(a.source_published_at),
            } if (a.source_name or a.source_url) else None
            data["translations"] = [
                {"id": t.pk, "language": t.language,
                 "url": absolute(request, t.get_absolute_url())}
                for t in a.translations.all()
            ]
        return data

    def item_schema(self, detail):
        props = {
            "id": {"type": "integer"}, "url": URL, "slug": STRING, "title": STRING,
            "summary": STRING, "language": STRING, "published_at": DATETIME,
            "updated_at": _nullable(DATETIME), "section": _nullable(LINK),
            "authors": {"type": "array", "items": LINK}, "tags": {"type": "array", "items": LINK},
            "image": _nullable(object_schema({"url": URL, "alt": STRING, "caption": STRING})),
            "translation_of": _nullable({"type": "integer"}),
        }
        if detail:
            props["body_html"] = STRING
            props["source"] = _nullable(object_schema({
                "name": STRING, "url": _nullable(URL), "language": _nullable(STRING),
                "published_at": _nullable(DATETIME)}))
            props["translations"] = {"type": "array", "items": object_schema(
                {"id": {"type": "integer"}, "language": STRING, "url": URL})}
        return object_schema(props)


class SectionResource(Resource):
    name, schema_name = "sections", "Section"
    summary = "Sections, in navigation order."
    filters = (SlugParam("parent", "Only the subsections of this section."),)

    def queryset(self):
        return Section.objects.select_related("parent").order_by("position", "name", "pk")

    def filter(self, request, queryset, values):
        if "parent" in values:
            queryset = queryset.filter(parent__slug=values["parent"])
        return queryset

    def item(self, request, s, detail):
        return {"slug": s.slug, "name": s.name, "description": s.description,
                "url": absolute(request, s.get_absolute_url()),
                "parent": s.parent.slug if s.parent_id else None, "position": s.position}

    def item_schema(self, detail):
        return object_schema({"slug": STRING, "name": STRING, "description": STRING, "url": URL,
                     "parent": _nullable(STRING), "position": {"type": "integer"}})


class TagResource(Resource):
    name, schema_name = "tags", "Tag"
    summary = "Tags, alphabetically."

    def queryset(self):
        return Tag.objects.order_by("name", "pk")

    def item(self, request, t, detail):
        return _link(request, t, t.name)

    def item_schema(self, detail):
        return LINK


class AuthorResource(Resource):
    name, schema_name = "authors", "Author"
    summary = "Authors (bylines), alphabetically."

    def queryset(self):
        return Author.objects.order_by("display_name", "pk")

    def item(self, request, x, detail):
        return {"slug": x.slug, "name": x.display_name, "bio": x.bio,
                "url": absolute(request, x.get_absolute_url()),
                "avatar": absolute(request, x.avatar.url) if x.avatar else None}

    def item_schema(self, detail):
        return object_schema({"slug": STRING, "name": STRING, "bio": STRING, "url": URL,
                     "avatar": _nullable(URL)})


class PageResource(Resource):
    name, schema_name = "pages", "Page"
    summary = "Published static pages (About, the privacy policy, ...)."

    def queryset(self):
        return Page.objects.filter(is_published=True).order_by("title", "pk")

    def item(self, request, p, detail):
        data = {"slug": p.slug, "title": p.title, "url": absolute(request, p.get_absolute_url()),
                "updated_at": _iso(p.updated_at)}
        if detail:
            data["body_html"] = p.body_html
        return data

    def item_schema(self, detail):
        props = {"slug": STRING, "title": STRING, "url": URL, "updated_at": DATETIME}
        if detail:
            props["body_html"] = STRING
        return object_schema(props)


RESOURCES = {r.name: r for r in (ArticleResource(), SectionResource(), TagResource(),
                                 AuthorResource(), PageResource())}
