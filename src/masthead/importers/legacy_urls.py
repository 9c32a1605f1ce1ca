"""Where an old WordPress address leads now: the lookups behind the site's legacy redirects.

The import records every address a WordPress object had (LegacyURL) and every object's WordPress
id (WordPressObject); this module reads them. The request handling, answering 301 only where the
site itself answered 404 and on the home page's WordPress query strings, lives with the site's URL
handling (masthead.site.legacy_redirects). What WordPress's addresses mean (/?p=123, /?cat=5,
/category/x/feed/, /wp-atom.php ...) is the importer's knowledge, so it stays here.

Targets are looked up at request time, so a redirect follows its article if the article moves
again; content readers may not see is never revealed.
"""

import re

from django.urls import NoReverseMatch, reverse

from masthead.newsroom.models import Article, Author, Page, Section, Tag

from .models import LegacyURL, WordPressObject
from .records import normalise_path

TARGET_MODELS = {
    LegacyURL.Target.ARTICLE: Article, LegacyURL.Target.PAGE: Page,
    LegacyURL.Target.SECTION: Section, LegacyURL.Target.TAG: Tag, LegacyURL.Target.AUTHOR: Author,
}
MAPPED_KINDS = {
    WordPressObject.Kind.POST: LegacyURL.Target.ARTICLE,
    WordPressObject.Kind.PAGE: LegacyURL.Target.PAGE,
    WordPressObject.Kind.CATEGORY: LegacyURL.Target.SECTION,
    WordPressObject.Kind.TAG: LegacyURL.Target.TAG,
}
# WordPress's feed addresses. /feed/ and /feed/atom/ are the site's own (masthead.discovery);
# these older spellings, and the feeds of a category, tag or author, lead to them.
FEED_ALIASES = {"/rss": False, "/rss2": False, "/wp-rss.php": False, "/wp-rss2.php": False,
                "/wp-rdf.php": False, "/atom": True, "/wp-atom.php": True}
TERM_FEED = re.compile(r"^(?P<base>.*)/feed(?:/(?P<flavour>rss2|rss|rdf|atom))?$")
FEED_TARGETS = {LegacyURL.Target.SECTION, LegacyURL.Target.TAG, LegacyURL.Target.AUTHOR}
# The home page's query strings WordPress answers (/?p=123 ...).
home_query_keys = ("p", "page_id", "cat", "tag", "feed")


def visible_url(kind: str, object_id: int) -> str | None:
    """The public address of a redirect target, or None if readers may not see it."""
    model = TARGET_MODELS.get(kind)
    obj = model.objects.filter(pk=object_id).first() if model else None
    if obj is None:
        return None
    if isinstance(obj, Article) and not obj.is_live:
        return None
    if isinstance(obj, Page) and not obj.is_published:
        return None
    return obj.get_absolute_url()


def feed_url(atom: bool = False, kind: str = "", slug: str = "") -> str | None:
    """The site's feed (or a section's, tag's or author's), if the site has feeds."""
    name = f"discovery:{kind}-feed" if kind else "discovery:feed"
    try:
        return reverse(name + ("-atom" if atom else ""), args=[slug] if kind else [])
    except NoReverseMatch:
        return None


def url_for_query(query) -> str | None:
    """/?p=ID (a post, or a page: WordPress accepts both), /?page_id=ID, /?cat=ID, /?tag=slug."""
    if query.get("feed"):
        return feed_url(atom=query["feed"] == "atom")
    wanted = [("p", (WordPressObject.Kind.POST, WordPressObject.Kind.PAGE)),
              ("page_id", (WordPressObject.Kind.PAGE, WordPressObject.Kind.POST)),
              ("cat", (WordPressObject.Kind.CATEGORY,))]
    for key, kinds in wanted:
        value = query.get(key, "").strip()
        if not value.isdigit():
            continue
        for kind in kinds:
            mapping = WordPressObject.objects.filter(kind=kind, wp_id=value).first()
            if mapping:
                return visible_url(MAPPED_KINDS[kind], mapping.object_id)
    if query.get("tag"):
        return url_for_path(f"/tag/{query['tag']}")
    return None


def url_for_path(path: str) -> str | None:
    normalised = normalise_path(path)
    if not normalised:
        return None
    if normalised in FEED_ALIASES:
        return feed_url(atom=FEED_ALIASES[normalised])
    feed = TERM_FEED.match(normalised)
    if feed:
        return term_feed_url(feed.group("base"), atom=feed.group("flavour") == "atom")
    legacy = LegacyURL.objects.filter(path=normalised[:500]).first()
    if legacy is None:
        return None
    return visible_url(legacy.target_kind, legacy.target_id)


def term_feed_url(base: str, atom: bool) -> str | None:
    """/feed/rss2/, or /category/news/feed/ and the like: the matching feed here."""
    if not base:
        return feed_url(atom=atom)
    legacy = LegacyURL.objects.filter(path=base[:500]).first()
    if legacy is None or legacy.target_kind not in FEED_TARGETS:
        return None
    model = TARGET_MODELS[legacy.target_kind]
    slug = model.objects.filter(pk=legacy.target_id).values_list("slug", flat=True).first()
    return feed_url(atom=atom, kind=legacy.target_kind, slug=slug) if slug else None
