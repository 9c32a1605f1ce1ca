"""Turn WordPress post content into a Masthead body: clean, sanitised HTML. Imports no Django.

WordPress stores content two ways. Classic content is loose HTML whose blank lines become
paragraphs only when a theme shows it (wpautop); block-editor content is finished HTML between
<!-- wp:name --> comments, with some blocks (latest posts, archives ...) drawn only by PHP.
Shortcodes ([caption], [gallery], [embed] ...) are PHP too. None of that PHP is executed here:

- [caption] becomes <figure> with <figcaption>; [gallery] the figures of its images;
  [embed], [video], [audio] and a bare URL on its own line (WordPress's auto-embed) become links;
  [code]/[sourcecode] become <pre><code>. Any other shortcode is dropped with a warning (an
  enclosing one keeps its inner text).
- Block comments are removed; a dynamic block, which has no HTML of its own, is dropped with a
  warning. <iframe> embeds become a link to what they showed.
- The result goes through the caller's sanitiser (`bodies.py` passes the newsroom's own allow-list,
  with every href and src through the site's one URL check), then is laid out one block element a
  line with no blank lines, so that Markdown passes it through verbatim (HTML is valid Markdown
  input) and editors can go on editing it.

The WordPress side of the import is two Django-free modules: `wxr.py` parses the file, this one
converts content.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html
import nh3
from lxml import etree


@dataclass
class Media:
    """An attachment a shortcode refers to by id."""

    url: str
    alt: str = ""
    caption: str = ""


# Looks up an attachment by WordPress id, and the attachments uploaded to a post.
AttachmentLookup = Callable[[str], Media | None]
ChildrenLookup = Callable[[str], list[Media]]
# Takes an HTML fragment and returns it with everything not allowed on the site removed.
Sanitiser = Callable[[str], str]

# -- plain text --------------------------------------------------------------------------------


def plain_text(value: str, limit: int | None = None) -> str:
    """Text without markup: for titles, excerpts and names (WordPress lets HTML into titles)."""
    text = value or ""
    if "<" in text or "&" in text:  # the common case needs no parser
        text = html.unescape(nh3.clean(text, tags=set()))
    text = re.sub(r"\s+", " ", text).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


# -- blocks ------------------------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9_/-]+)(\s+\{.*?\})?\s*(/?)-->", re.DOTALL)
_MORE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.DOTALL)
# Blocks drawn by PHP at view time: an export holds only their settings, nothing to show.
_DYNAMIC_HINT = "drawn by WordPress when the page is shown; Masthead has no equivalent"


def has_blocks(content: str) -> bool:
    return "<!-- wp:" in content


def strip_block_markup(content: str, warn: Callable[[str], None]) -> str:
    dropped = set()

    def replace(match: re.Match) -> str:
        closing, name, self_closing = match.group(1), match.group(2), match.group(4)
        if self_closing and not closing:
            dropped.add(name)
        return ""

    content = _MORE.sub("", content)
    content = _BLOCK_COMMENT.sub(replace, content)
    if dropped:
        names = ", ".join(f"wp:{name}" for name in sorted(dropped))
        warn(f"dropped dynamic blocks ({_DYNAMIC_HINT}): {names}")
    return content


# -- shortcodes --------------------------------------------------------------------------------

# WordPress's own shortcode grammar (get_shortcode_regex), for any name: [name attrs],
# [name attrs /], [name attrs]content[/name], and [[name]] as an escaped literal.
_SHORTCODE = re.compile(
    r"\[(\[?)([a-zA-Z][\w-]*)(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)(\]?)"
)
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|"""
    r"""([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_URL = re.compile(r"^https?://\S+$")


def parse_shortcode_attributes(text: str) -> dict:
    """Named attributes by name; positional ones under 0, 1, ... (as shortcode_parse_atts)."""
    attrs, position = {}, 0
    for m in _ATTR.finditer(text.replace("\u00a0", " ")):
        if m.group(1):
            attrs[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            attrs[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            attrs[m.group(5).lower()] = m.group(6)
        else:
            value = next(g for g in m.group(7, 8, 9) if g is not None)
            attrs[position] = value.strip("/") if position == 0 else value
            position += 1
    return attrs


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def _figure(img_html: str, caption: str) -> str:
    caption_html = f"<figcaption>{caption.strip()}</figcaption>" if caption.strip() else ""
    return f"\n\n<figure>{img_html.strip()}{caption_html}</figure>\n\n"


def _link(url: str, text: str | None = None) -> str:
    return f'<p><a href="{_esc(url)}">{_esc(text or url)}</a></p>'


class ShortcodeConverter:
    """Replaces the shortcodes of one post's content, recording a warning for each dropped one."""

    def __init__(self, post_id: str, attachment: AttachmentLookup, children: ChildrenLookup,
                 warn: Callable[[str], None]):
        self.post_id = post_id
        self.attachment = attachment
        self.children = children
        self.warn = warn
        self.dropped: set[str] = set()

    def convert(self, content: str) -> str:
        if "[" not in content:
            return content
        result = _SHORTCODE.sub(self._replace, content)
        if self.dropped:
            names = ", ".join(f"[{name}]" for name in sorted(self.dropped))
            self.warn(f"dropped shortcodes only a WordPress plugin understands (their text, if "
                      f"any, was kept): {names}")
        return result

    def _replace(self, m: re.Match) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)[1:-1]  # [[name]] is how WordPress writes a literal [name]
        name = m.group(2).lower()
        attrs = parse_shortcode_attributes(m.group(3))
        inner = m.group(5)
        self_closing = bool(m.group(4))
        handler = getattr(self, f"_sc_{name.replace('-', '_')}", None)
        if handler is not None:
            return handler(attrs, inner or "")
        looks_like_shortcode = inner is not None or self_closing or any(
            isinstance(k, str) for k in attrs
        )
        if not looks_like_shortcode:
            return m.group(0)  # "[sic]", "[1]": plain bracketed text, not a shortcode
        self.dropped.add(name)
        return self.convert(inner) if inner else ""

    # Each _sc_NAME handles the shortcode [NAME].
    def _sc_caption(self, attrs: dict, inner: str) -> str:
        inner = self.convert(inner)
        caption = attrs.get("caption", "")
        media = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", inner,
                         re.DOTALL | re.IGNORECASE)
        if media:
            img, rest = media.group(1), media.group(2)
            return _figure(img, caption or rest)
        return _figure(inner, caption)

    _sc_wp_caption = _sc_caption

    def _sc_gallery(self, attrs: dict, inner: str) -> str:
        ids = [i.strip() for i in str(attrs.get("ids") or attrs.get("include") or "").split(",")]
        ids = [i for i in ids if i]
        if ids:
            items = [self.attachment(i) for i in ids]
            missing = [i for i, media in zip(ids, items, strict=True) if media is None]
            if missing:
                self.warn(f"[gallery] names attachments not in the file: {', '.join(missing)}")
            items = [media for media in items if media is not None]
        else:
            items = self.children(str(attrs.get("id") or self.post_id))
        if not items:
            self.warn("dropped an empty [gallery] (no images of it are in the file)")
            return ""
        return "".join(
            _figure(f'<img src="{_esc(m.url)}" alt="{_esc(m.alt)}">', _esc(m.caption))
            for m in items
        )

    def _sc_embed(self, attrs: dict, inner: str) -> str:
        url = (inner or attrs.get("src") or attrs.get("url") or attrs.get(0, "")).strip()
        return f"\n\n{_link(url)}\n\n" if url else ""

    def _media_link(self, attrs: dict, inner: str, kinds: tuple[str, ...]) -> str:
        url = attrs.get("src") or next((attrs[k] for k in kinds if attrs.get(k)), "")
        if not url:
            positional = str(attrs.get(0) or inner).strip()
            url = positional if _URL.match(positional) else ""
        return f"\n\n{_link(url)}\n\n" if url else ""

    def _sc_video(self, attrs: dict, inner: str) -> str:
        return self._media_link(attrs, inner, ("mp4", "m4v", "webm", "ogv", "wmv", "flv"))

    def _sc_audio(self, attrs: dict, inner: str) -> str:
        return self._media_link(attrs, inner, ("mp3", "m4a", "ogg", "wav", "wma"))

    # WordPress.com's embeds: [youtube URL], [vimeo URL], [tweet URL].
    def _positional_url(self, attrs: dict, inner: str) -> str:
        url = str(attrs.get(0) or attrs.get("url") or inner).strip()
        return f"\n\n{_link(url)}\n\n" if _URL.match(url) else ""

    _sc_youtube = _sc_vimeo = _sc_tweet = _positional_url

    def _sc_code(self, attrs: dict, inner: str) -> str:
        code = html.unescape(inner).strip("\n")
        return f"\n\n<pre><code>{_esc(code)}</code></pre>\n\n"

    _sc_sourcecode = _sc_code


# -- wpautop -----------------------------------------------------------------------------------

_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|video|audio|object"
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)


def wpautop(text: str) -> str:
    """WordPress's wpautop, in its essentials: blank lines make paragraphs, single newlines
    make <br> (never inside <pre>), and block-level elements are left unwrapped."""
    if not text.strip():
        return ""
    saved = []

    def keep(m: re.Match) -> str:
        saved.append(m.group(0))
        return f"<pre wp-pre-tag-{len(saved) - 1}></pre>"

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n")) + "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(rf"(<(?:{_BLOCK_TAGS})[\s/>])", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</(?:{_BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    text = re.sub(rf"<p>\s*(</?(?:{_BLOCK_TAGS})[^>]*>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</?(?:{_BLOCK_TAGS})[^>]*>)\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(rf"(?<!>)(?<!<br />)\s*\n(?!\s*</?(?:{_BLOCK_TAGS})\b)", "<br />\n", text,
                  flags=re.IGNORECASE)
    text = re.sub(rf"(</?(?:{_BLOCK_TAGS})[^>]*>)\s*<br />", r"\1", text, flags=re.IGNORECASE)
    return re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda m: saved[int(m.group(1))], text)


# -- embeds, sanitising and layout -------------------------------------------------------------

_BARE_URL_LINE = re.compile(r"^(\s*(?:<p>)?\s*)(https?://[^\s<>\"]+)(\s*(?:</p>)?\s*)$",
                            re.MULTILINE)
_IFRAME = re.compile(r"<iframe\b[^>]*?\bsrc=[\"']([^\"']+)[\"'][^>]*>.*?</iframe>",
                     re.DOTALL | re.IGNORECASE)
_DANGEROUS = re.compile(r"<(script|object|embed|applet|form)\b", re.IGNORECASE)
_BLOCK_LEVEL = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "figure", "blockquote",
    "pre", "hr",
}


def _autoembed(text: str) -> str:
    """A URL alone on its line is an oEmbed in WordPress; here it becomes a plain link."""
    return _BARE_URL_LINE.sub(lambda m: _link(html.unescape(m.group(2))), text)


def markdown_safe_layout(clean_html: str) -> str:
    """One block element a line, text outside blocks wrapped in <p>, newlines inside <pre> as
    &#10;: with no blank line anywhere, Markdown takes the whole body as one HTML block and
    leaves it exactly as it is."""
    if not clean_html.strip():
        return ""
    nodes = lxml.html.fragments_fromstring(clean_html)
    lines: list[str] = []
    loose: list[str] = []

    def flush():
        text = "".join(loose).strip()
        if text:
            lines.append(f"<p>{text}</p>")
        loose.clear()

    for node in nodes:
        if isinstance(node, str):
            loose.append(html.escape(node, quote=False))
            continue
        markup = etree.tostring(node, method="html", encoding="unicode", with_tail=False)
        tail = html.escape(node.tail, quote=False) if node.tail else ""
        if node.tag in _BLOCK_LEVEL:
            flush()
            lines.append(_protect_pre(markup).strip())
            loose.append(tail)
        else:
            loose.append(markup + tail)
    flush()
    body = "\n".join(line for line in lines if line)
    return re.sub(r"\n\s*\n", "\n", body)


def _protect_pre(markup: str) -> str:
    return _PRE.sub(lambda m: m.group(0).replace("\n", "&#10;"), markup)


def wordpress_to_body(content: str, *, sanitise: Sanitiser, post_id: str = "0",
                      attachment: AttachmentLookup = lambda _id: None,
                      children: ChildrenLookup = lambda _id: [],
                      warn: Callable[[str], None] = lambda _message: None,
                      finished_html: bool = False) -> str:
    """WordPress post content (classic or blocks) → a Masthead article body.

    `sanitise` removes what the site does not allow; `finished_html`: the content is already
    complete HTML (Masthead's own exports), so blank lines do not make paragraphs."""
    if not content or not content.strip():
        return ""
    blocks = has_blocks(content)
    if blocks:
        content = strip_block_markup(content, warn)
    content = ShortcodeConverter(post_id, attachment, children, warn).convert(content)
    content = _IFRAME.sub(lambda m: f"\n\n{_link(html.unescape(m.group(1)))}\n\n", content)
    dangerous = sorted({m.group(1).lower() for m in _DANGEROUS.finditer(content)})
    if dangerous:
        warn("removed " + ", ".join(f"<{tag}>" for tag in dangerous) + " (never run on this site)")
    content = _autoembed(content)
    if not blocks and not finished_html:
        content = wpautop(content)
    return markdown_safe_layout(re.sub(r"<p>\s*</p>", "", sanitise(content)))
