"""RSS 2.0 and Atom feeds of the newest articles: the whole site, a section, a tag, an author.

Built on django.contrib.syndication. Each item carries the summary, and the full text too when
MASTHEAD_FEED_CONTENT is "full" (RSS content:encoded, Atom content); the featured image is the
enclosure; the GUID is a tag: URI made from the article's id and first release date, so it never
changes when the article is edited, moved or renamed.
"""

import mimetypes
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from masthead.newsroom.markdown import first_paragraph_text
from masthead.newsroom.models import Article, Author, Section, Tag
from masthead.site.context import current_site
from masthead.site.structured_data import absolute

_ROOT_RELATIVE = re.compile(r'(\s(?:src|href)=")/(?!/)')


def view(feed_class):
    """A view serving `feed_class`, a fresh instance per request: the feed keeps the request on
    itself, which a shared instance must not do under a threaded server."""

    def serve(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    serve.__name__ = serve.__qualname__ = f"{feed_class.__name__}_view"
    return serve


class FullTextRss(Rss201rev2Feed):
    """RSS 2.0 with the article body in content:encoded when there is one."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class FullTextAtom(Atom1Feed):
    """Atom with the article body in <content type="html"> when there is one."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def tag_authority(request) -> str:
    """The domain in GUIDs: MASTHEAD_BASE_URL's host (set it: a GUID must never change),
    else the host the request came to."""
    host = urlsplit(settings.BASE_URL).hostname if settings.BASE_URL else None
    return host or request.get_host().split(":")[0] or "localhost"


class ArticleFeed(Feed):
    """The site's newest articles. Subclasses narrow `articles()` and name the feed."""

    feed_type = FullTextRss

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.site = current_site(request)
        self.language = self.site.language  # Django reads this one as a plain attribute
        return super().__call__(request, *args, **kwargs)

    # -- the feed ------------------------------------------------------------------------------
    def title(self, obj=None):
        return self.site.name

    def description(self, obj=None):
        return self.site.tagline or f"The newest articles from {self.site.name}"

    def subtitle(self, obj=None):  # Atom's name for the description
        return self.description(obj)

    # Absolute URLs throughout, so MASTHEAD_BASE_URL wins over whatever Host a reader used.
    def link(self, obj=None):
        return absolute(self.request, "/")

    def feed_url(self, obj=None):
        return absolute(self.request, self.request.path)

    def feed_guid(self, obj=None):
        return absolute(self.request, self.request.path)

    def articles(self, obj):
        return Article.objects.published()

    def item_ids(self, obj) -> list[int]:
        """The newest items' ids, from a walk of the list's index."""
        return list(self.articles(obj).front_page_order().values_list("pk", flat=True)
                    [: settings.MASTHEAD_FEED_ITEMS])

    def items(self, obj=None):
        # The rendered body comes along (an item's content, or its description when it has no
        # dek); the Markdown source does not.
        ids = self.item_ids(obj)
        found = (Article.objects.select_related("section", "section__parent")
                 .prefetch_related("authors", "tags").defer("body", "review_note")
                 .order_by().in_bulk(ids))
        return [found[pk] for pk in ids if pk in found]

    # -- each item -----------------------------------------------------------------------------
    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute(self.request, item.get_absolute_url())

    def item_description(self, item):
        return item.dek or first_paragraph_text(item.body_html)

    def item_guid(self, item):
        first = item.first_published_at or item.published_at or item.created_at
        return f"tag:{tag_authority(self.request)},{first:%Y-%m-%d}:article:{item.pk}"

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(d for d in (item.updated_at, item.published_at) if d)

    def item_author_name(self, item):
        return ", ".join(a.display_name for a in item.authors.all()) or None

    def item_author_link(self, item):
        authors = list(item.authors.all())
        return absolute(self.request, authors[0].get_absolute_url()) if len(authors) == 1 else None

    def item_categories(self, item):
        names = [item.section.name] if item.section_id else []
        return names + [t.name for t in item.tags.all()]

    def item_enclosures(self, item):
        src = item.image_src
        if not src:
            return []
        length = 0  # unknown for an image elsewhere: RSS readers accept 0
        if item.featured_image:
            try:
                length = item.featured_image.size
            except OSError:
                length = 0
        mime = mimetypes.guess_type(urlsplit(src).path)[0] or "image/jpeg"
        return [Enclosure(absolute(self.request, src), str(length), mime)]

    def item_extra_kwargs(self, item):
        if settings.MASTHEAD_FEED_CONTENT != "full" or not item.body_html:
            return {}
        # Feed readers resolve links against the feed, not the page: make them absolute.
        base = absolute(self.request, "/")[:-1]
        return {"content_html": _ROOT_RELATIVE.sub(rf"\1{base}/", item.body_html)}


class AtomArticleFeed(ArticleFeed):
    feed_type = FullTextAtom


class _NarrowedFeed(ArticleFeed):
    model = None
    label = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return f"{self.site.name}: {obj}"

    def description(self, obj=None):
        return f"The newest articles {self.label} {obj} from {self.site.name}"

    def link(self, obj=None):
        return absolute(self.request, obj.get_absolute_url())


class SectionFeed(_NarrowedFeed):
    model, label = Section, "in"

    def articles(self, obj):
        return Article.objects.published().in_section(obj)

    def item_ids(self, obj):
        # One walk per section (it and its subsections), merged: ordering them all together
        # would sort every article the sections hold.
        family = [obj.pk, *obj.children.values_list("pk", flat=True)]
        return Article.objects.published().newest_ids_per_group(
            {"feed": family}, settings.MASTHEAD_FEED_ITEMS)["feed"]


class TagFeed(_NarrowedFeed):
    model, label = Tag, "tagged"

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class AuthorFeed(_NarrowedFeed):
    model, label = Author, "by"

    def articles(self, obj):
        return Article.objects.published().filter(authors=obj)


class SectionAtomFeed(SectionFeed):
    feed_type = FullTextAtom


class TagAtomFeed(TagFeed):
    feed_type = FullTextAtom


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullTextAtom

