"""Turn a third-party snippet into markup that does nothing until the reader consents.

Plain Python (no Django): the rewrite runs when an administrator saves a snippet, and the result
is what every page carries, the same bytes for every reader.

- `<script>` becomes `<script type="text/plain" data-consent-category=...>`, its `src` moved to
  `data-consent-src` and its real type kept in `data-consent-type`: browsers neither fetch nor run
  it. consent.js recreates it as a live script after consent.
- Everything else (iframes, pixels, styles, widgets' markup) becomes the value of an attribute,
  `<template data-consent-markup="...">`: text to the browser, which neither loads nor shows it,
  and which no quirk of HTML parsing can move out of its place. Inside it, scripts are inert as
  above and iframes lose their `src` too. When the snippet shows something on the page, a
  placeholder explains what is blocked and offers consent.
- `<noscript>` fallbacks are dropped: they would load the tracker for readers without JavaScript,
  who can never give consent in place.
"""

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from masthead.site.safe_urls import safe_url

VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
}
# Elements that belong in <head> and show nothing on the page.
HEAD_TAGS = {"link", "meta", "style", "base", "title"}
# Browsers read these elements' content as text up to their end tag. html.parser does so only for
# script and style, so the others are switched to that mode by hand: both must agree on where an
# element ends, or an end tag the parser thought was text could close the snippet's container.
RAW_TEXT_TAGS = {"textarea", "title", "xmp", "iframe", "noembed", "noframes"}
URL_ATTRIBUTES = {"src", "href", "data", "action", "poster"}
COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_URL_IN_SCRIPT = re.compile(r"https?://([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
MAX_CODE_LENGTH = 50_000


class SnippetError(ValueError):
    """The code cannot be used as a snippet; the message says why."""


@dataclass
class Analysis:
    scripts: int = 0
    visible_tags: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    first_visible_url: str = ""

    @property
    def has_visible_content(self) -> bool:
        return bool(self.visible_tags)


def _host(url: str) -> str:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"}:
        return ""
    return (parts.hostname or "").lower()


def _attrs_html(attrs: list[tuple[str, str | None]]) -> str:
    out = []
    for name, value in attrs:
        out.append(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"')
    return "".join(out)


class _Rewriter(HTMLParser):
    """One pass over the snippet: analyses it and writes its inert form."""

    def __init__(self, category_key: str):
        super().__init__(convert_charrefs=False)
        self.category_key = category_key
        self.out: list[str] = []
        self.analysis = Analysis()
        self.elements = 0  # start tags seen, whatever became of them
        self.open_tags: list[str] = []  # elements open below the snippet's top level
        self.skipping = 0  # inside <noscript>
        self.in_template = False
        self.template_markup: list[str] = []
        self.in_script = False
        self._hosts: dict[str, None] = {}

    # -- helpers ------------------------------------------------------------------------------
    def _note_url(self, url: str | None) -> None:
        host = _host(url or "")
        if host:
            self._hosts.setdefault(host, None)

    @staticmethod
    def _check_url(tag: str, name: str, url: str | None) -> None:
        if url and url.strip() and not safe_url(url, relative=True):
            raise SnippetError(f"<{tag} {name}=\"{url[:60]}\">: only http:// and https:// "
                               "addresses (or paths on this site) can be loaded.")

    def _emit(self, markup: str) -> None:
        (self.template_markup if self.in_template else self.out).append(markup)

    def _open_template(self) -> None:
        if not self.in_template:
            self.template_markup = []
            self.in_template = True

    def _close_template(self) -> None:
        """The markup collected since _open_template, as the value of an attribute: a browser
        reads an attribute up to its closing quote whatever the markup holds, so no table,
        formatting or foreign-content rule of HTML parsing can move any of it out."""
        if self.in_template:
            markup = html.escape("".join(self.template_markup), quote=True)
            self.out.append(f'<template data-consent-category="{self.category_key}" '
                            f'data-consent-markup="{markup}"></template>')
            self.in_template = False

    def _element(self, tag: str, attrs, closes_itself: bool) -> None:
        if self.skipping:
            if tag == "noscript" and not closes_itself:
                self.skipping += 1
            return
        if tag == "noscript":
            if not closes_itself:
                self.skipping = 1
            return
        if tag == "plaintext":
            raise SnippetError("<plaintext> would turn the rest of the page into text.")
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                self._check_url(tag, name, value)
                self._note_url(value)
            elif name == "srcset" and value:
                for candidate in value.split(","):
                    self._check_url(tag, name, candidate.strip().split(" ")[0])
                    self._note_url(candidate.strip().split(" ")[0])
        if tag == "script":
            if not self.open_tags:
                self._close_template()
            self.analysis.scripts += 1
            self._emit(f"<script{_attrs_html(self._inert_script_attrs(attrs))}>")
            if closes_itself:
                self._emit("</script>")
            else:
                self.in_script = True
                self.open_tags.append(tag)
            return
        if not self.open_tags:
            self._open_template()
        if tag not in HEAD_TAGS and tag != "template":
            if tag not in self.analysis.visible_tags:
                self.analysis.visible_tags.append(tag)
            if not self.analysis.first_visible_url:
                url = dict(attrs).get("src") or ""
                self.analysis.first_visible_url = url if _host(url) else ""
        if tag == "iframe":
            attrs = [("data-consent-src" if n == "src" else
                      "data-consent-srcdoc" if n == "srcdoc" else n, v) for n, v in attrs]
        self._emit(f"<{tag}{_attrs_html(attrs)}{' /' if closes_itself else ''}>")
        if not closes_itself and tag not in VOID_TAGS:
            self.open_tags.append(tag)
            if tag in RAW_TEXT_TAGS:
                self.set_cdata_mode(tag)

    def _inert_script_attrs(self, attrs):
        kept = []
        original_type = ""
        for name, value in attrs:
            if name == "type":
                original_type = value or ""
            elif name == "src":
                kept.append(("data-consent-src", value or ""))
            elif not name.startswith("data-consent-"):
                kept.append((name, value))
        kept = [("type", "text/plain"), ("data-consent-category", self.category_key)] + kept
        if original_type:
            kept.append(("data-consent-type", original_type))
        return kept

    # -- HTMLParser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        self.elements += 1
        self._element(tag, attrs, closes_itself=False)

    def handle_startendtag(self, tag, attrs):
        self.elements += 1
        self._element(tag, attrs, closes_itself=True)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == "noscript":
                self.skipping -= 1
            return
        if tag in VOID_TAGS or tag == "noscript":
            return
        if tag not in self.open_tags:
            return  # a stray end tag: drop it rather than close something of the page's
        while self.open_tags:
            closing = self.open_tags.pop()
            self._emit(f"</{closing}>")
            if closing == tag:
                break
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.skipping:
            return
        if self.in_script:
            for host in _URL_IN_SCRIPT.findall(data):
                self._hosts.setdefault(host.lower(), None)
            # The script is inert text now, but an end tag inside it would still end it (or,
            # inside <svg>, close the snippet's container), and "<!--" would make the HTML parser
            # look for a second "</script>". "<\/" and "<\!" mean the same to JavaScript.
            self._emit(data.replace("</", "<\\/").replace("<!--", "<\\!--"))
            return
        if self.cdata_elem == "style":
            self._emit(data.replace("</", "<\\/"))  # "\/" is "/" to CSS
            return
        if self.cdata_elem:
            self._emit(data.replace("<", "&lt;"))
            return
        if not self.open_tags and data.strip():
            self._open_template()
            if "text" not in self.analysis.visible_tags:
                self.analysis.visible_tags.append("text")
        # Text, so "<" is "&lt;": a "<" the parser left as text (an unfinished tag at the end,
        # say) must not start a tag that swallows what follows the snippet.
        self._emit(data.replace("<", "&lt;"))

    def handle_entityref(self, name):
        if not self.skipping:
            self.handle_data(f"&{name};")

    def handle_charref(self, name):
        if not self.skipping:
            self.handle_data(f"&#{name};")

    # Comments, declarations and processing instructions carry nothing a snippet needs (and old
    # IE conditional comments can hide markup): they are dropped.
    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass

    def finish(self) -> str:
        self.close()
        # Unclosed elements: close them inside the snippet so they cannot swallow the page.
        while self.open_tags:
            self._emit(f"</{self.open_tags.pop()}>")
        self._close_template()
        self.analysis.hosts = list(self._hosts)
        return "".join(self.out)


def _rewrite(code: str, category_key: str) -> tuple[str, Analysis]:
    if len(code) > MAX_CODE_LENGTH:
        raise SnippetError(f"The code is longer than {MAX_CODE_LENGTH:,} characters.")
    rewriter = _Rewriter(category_key)
    rewriter.feed(code)
    body = rewriter.finish()
    # Words alone count as visible content, but code without one element is a paste gone wrong
    # (a tracking ID, a sentence of the provider's instructions), not a snippet.
    if not rewriter.elements:
        raise SnippetError("The code holds no HTML element: paste the provider's <script> or "
                           "<iframe> code.")
    return body, rewriter.analysis


def analyse(code: str) -> Analysis:
    return _rewrite(code, "x")[1]


def hosts(code: str) -> list[str]:
    try:
        return analyse(code).hosts
    except SnippetError:
        return []


def make_inert(code: str, *, snippet_id: int, category_key: str, category_name: str,
               placement: str, settings_url: str = "/consent/settings/") -> str:
    """The snippet as inert markup, wrapped in its consent container (see the module doc)."""
    try:
        body, analysis = _rewrite(code, category_key)
    except SnippetError:
        return ""
    visible = placement == "body" and analysis.has_visible_content
    container = (
        f'<div class="consent-snippet" data-consent-snippet="{snippet_id}" '
        f'data-consent-category="{html.escape(category_key)}" '
        f'data-consent-placement="{"body" if placement == "body" else "head"}"'
        f'{"" if visible else " hidden"}>'
    )
    return container + body + (_placeholder(analysis, category_key, category_name, settings_url)
                               if visible else "") + "</div>"


def _placeholder(analysis: Analysis, category_key: str, category_name: str,
                 settings_url: str) -> str:
    name = html.escape(category_name)
    host = _host(analysis.first_visible_url) or (analysis.hosts[0] if analysis.hosts else "")
    source = f" from <strong>{html.escape(host)}</strong>" if host else ""
    open_link = ""
    if analysis.first_visible_url:
        open_link = (f' · <a href="{html.escape(analysis.first_visible_url)}" '
                     f'rel="noopener nofollow">Open it on {html.escape(host)}</a>')
    return (
        '<div class="consent-placeholder">'
        f"<p>This content{source} is blocked: it may set cookies or track you for "
        f"<strong>{name}</strong>, which you have not allowed.</p>"
        f'<p><button type="button" class="consent-button" data-consent-allow="'
        f'{html.escape(category_key)}" hidden>Allow {name} cookies</button> '
        f'<a href="{html.escape(settings_url)}" data-consent-open>Cookie settings</a>'
        f"{open_link}</p>"
        "</div>"
    )


class _PolicyReader(HTMLParser):
    """Reads an inert snippet back: where its scripts and frames load from, and its inline
    scripts' text exactly as consent.js will run it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.origins: dict[str, None] = {}
        self.inline_scripts: list[str] = []
        self._script: list[str] | None = None

    def _origin(self, url: str) -> None:
        url = (url or "").strip()
        if not safe_url(url):
            return
        parts = urlsplit(url if not url.startswith("//") else "https:" + url)
        if parts.netloc:
            self.origins.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template" and attrs.get("data-consent-markup"):
            inner = _PolicyReader()
            inner.feed(attrs["data-consent-markup"])
            inner.close()
            self.origins.update(inner.origins)
            self.inline_scripts.extend(inner.inline_scripts)
            return
        for name in ("data-consent-src", "src", "href", "data", "poster"):
            self._origin(attrs.get(name) or "")
        if tag == "script" and not attrs.get("data-consent-src") and not attrs.get("src"):
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
            for host in _URL_IN_SCRIPT.findall(data):
                self.origins.setdefault(f"https://{host.lower()}", None)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def csp_sources(inert_html: str) -> tuple[list[str], list[str]]:
    """(origins, script hashes) a page carrying this inert snippet must allow in its
    Content-Security-Policy for the snippet to work once the reader consents."""
    reader = _PolicyReader()
    reader.feed(inert_html or "")
    reader.close()
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
        for text in reader.inline_scripts if text.strip()
    ]
    return list(reader.origins), list(dict.fromkeys(hashes))
