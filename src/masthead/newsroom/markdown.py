"""Editors write Markdown; readers get sanitised HTML.

markdown-it-py parses (CommonMark plus tables and strikethrough), then nh3 removes anything that
is not on the allow-list, so raw HTML, event handlers and javascript: links never reach a page
whatever an editor, an import or a compromised account puts in a body.

An image alone in its paragraph becomes a figure, its Markdown title the caption:
    ![Alt text](/media/photo.jpg "Caption shown under the image")
"""

import html as html_lib
import re

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

from masthead.site.safe_urls import LINK_SCHEMES, safe_url

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)
# Links and images the parser makes pass the site's one URL allow-list (nh3 checks raw HTML's
# attributes against the same schemes below); a refused one stays as plain text.
_md.validateLink = lambda url: bool(safe_url(url, schemes=LINK_SCHEMES, relative=True))

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "time": {"datetime"},
    "abbr": {"title"},
    "ol": {"start"},
}
URL_SCHEMES = set(LINK_SCHEMES)

_LONE_IMAGE = re.compile(
    r"<p>(<img [^>]*?)(?: title=\"([^\"]*)\")?\s*/?></p>"
)


def _figure(match: re.Match) -> str:
    img, caption = match.group(1), match.group(2)
    if 'loading="' not in img:
        img += ' loading="lazy"'
    if caption:
        return f"<figure>{img}><figcaption>{caption}</figcaption></figure>"
    return f"<figure>{img}></figure>"


_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)


def _with_heading_ids(html: str) -> str:
    """Give h2/h3 ids from their text, so readers can be sent to /privacy-policy/#comments."""
    seen: dict[str, int] = {}

    def add_id(match: re.Match) -> str:
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        slug = slugify(text) or "section"
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug = f"{slug}-{seen[slug]}"
        return f'<h{match.group(1)} id="{slug}">{match.group(2)}</h{match.group(1)}>'

    return _HEADING.sub(add_id, html)


def render_markdown(text: str, *, heading_ids: bool = False) -> str:
    """Markdown to HTML that is safe to put in a page as it is.

    heading_ids: give h2/h3 ids for links into the page (static pages; article bodies share
    their page with comments and related blocks, so they get none)."""
    if not text:
        return ""
    html = _md.render(text)
    # A body heading is at most h2: the page's h1 is the article title.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    html = _LONE_IMAGE.sub(_figure, html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    # Ids are added after cleaning, from cleaned text, and are slugs: nothing unsafe gets in.
    return _with_heading_ids(html) if heading_ids else html


def first_paragraph_text(html: str, limit: int = 300) -> str:
    """Plain text of the first paragraph: a fallback summary when an article has no dek."""
    match = re.search(r"<p>(.*?)</p>", html, re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1) if match else html)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
