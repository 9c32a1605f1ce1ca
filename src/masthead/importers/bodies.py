"""Imported content as the newsroom keeps it: WordPress content converted (content.py) and cleaned
with the newsroom's own allow-list, every href and src through the site's one URL check.

Every address an import brings that can reach a page goes through `masthead.site.safe_urls`:
links and images in bodies (here), comment authors' websites (comment_import.py), source URLs
(postmeta.py), featured images and feed items' links (posts.py, feeds.py). What fails the check is
dropped, never stored."""

import nh3

from masthead.newsroom.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from masthead.site.safe_urls import LINK_SCHEMES, safe_url

from .content import wordpress_to_body

_URL_ATTRIBUTES = {"href", "src"}


def _safe_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute in _URL_ATTRIBUTES:
        return safe_url(value, schemes=LINK_SCHEMES, relative=True) or None
    return value


def newsroom_clean(fragment: str) -> str:
    """An HTML fragment with only what an article body may hold."""
    return nh3.clean(
        fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        attribute_filter=_safe_attribute, link_rel=None, filter_style_properties={"text-align"},
    )


def body_from_wordpress(content: str, **options) -> str:
    """WordPress post content as an article or page body (see content.wordpress_to_body)."""
    return wordpress_to_body(content, sanitise=newsroom_clean, **options)
