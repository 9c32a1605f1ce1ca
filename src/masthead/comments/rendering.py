"""Comment text to safe HTML: paragraphs, line breaks and auto-linked URLs; nothing else survives.

Plain text from the form is escaped first, then linked and split into paragraphs; HTML imported
from WordPress is cleaned with nh3 to a small set of tags. Either way the result goes through
nh3 last, so what is stored in `text_html` is always clean.
"""

import html
import re

import nh3

from masthead.site.safe_urls import WEB_SCHEMES

PLAIN_TAGS = {"p", "br", "a"}
IMPORTED_TAGS = PLAIN_TAGS | {
    "b", "strong", "i", "em", "code", "pre", "blockquote", "q", "cite", "del", "ul", "ol", "li",
}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = set(WEB_SCHEMES | {"mailto"})
LINK_REL = "nofollow ugc noopener"

# A URL in running text: a scheme or "www.", then anything up to whitespace or a quote/bracket.
URL_RE = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'\u3000]+""", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\"。、！？）"


def _link(match: re.Match) -> str:
    url = match.group(0)
    trail = ""
    while url and url[-1] in TRAILING_PUNCTUATION:
        # Keep a closing parenthesis that closes one opened inside the URL (Wikipedia links).
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    href = url if "://" in url else "http://" + url
    # The text is already escaped; unescape for the attribute value, then escape it as one.
    href = html.escape(html.unescape(href), quote=True)
    return f'<a href="{href}">{url}</a>{trail}'


def _paragraphs(escaped: str) -> str:
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", escaped) if b.strip()]
    return "\n".join("<p>" + b.replace("\n", "<br>\n") + "</p>" for b in blocks)


def clean(fragment: str, tags=IMPORTED_TAGS) -> str:
    return nh3.clean(
        fragment, tags=tags, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
    )


def render_comment_html(text: str, *, is_html: bool = False) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if is_html:
        cleaned = clean(text)
        if "<p>" not in cleaned:
            cleaned = _paragraphs(cleaned)
        return clean(cleaned)
    escaped = html.escape(text, quote=False)
    linked = URL_RE.sub(_link, escaped)
    return clean(_paragraphs(linked), tags=PLAIN_TAGS)


def count_links(text: str) -> int:
    return len(URL_RE.findall(text or "")) + len(re.findall(r"<a\s", text or "", re.IGNORECASE))
