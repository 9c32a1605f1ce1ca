"""Read a WordPress export (WXR 1.0 to 1.2) as a stream of plain records. Imports no Django.

The file is read with lxml's iterparse and each top-level element is dropped as soon as it has
been turned into a record, so memory stays flat however large the export is. Entities are not
resolved and nothing is fetched from the network: an export is untrusted input.

    for record in read_wxr(path):       # WxrSite first, then WxrAuthor / WxrTerm / WxrItem
        ...

A file that is not XML, not a WordPress export, or cut short raises WxrError naming the line.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lxml import etree

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
RECORD_TAGS = {"author", "category", "tag", "term"}


class WxrError(Exception):
    """The file cannot be imported; the message names the line when there is one."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class WxrSite:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    generator: str = ""  # "https://wordpress.org/?v=6.4", or "Masthead" for our own exports


@dataclass
class WxrAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: str = ""


@dataclass
class WxrTerm:
    """A category, a tag, or another taxonomy's term."""

    taxonomy: str  # "category", "post_tag", or the custom taxonomy's name
    slug: str
    name: str = ""
    term_id: str = ""
    parent_slug: str = ""
    description: str = ""


@dataclass
class WxrComment:
    wp_id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: datetime | None = None  # naive: the blog's local time
    date_gmt: datetime | None = None  # aware, UTC
    content: str = ""
    approved: str = "1"  # "1", "0", "spam", "trash", "post-trashed"
    type: str = ""  # "" or "comment"; "pingback", "trackback"
    parent: str = "0"
    user_id: str = "0"
    meta: dict = field(default_factory=dict)
    line: int | None = None


@dataclass
class WxrItem:
    post_id: str
    post_type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime | None = None  # naive local time (wp:post_date)
    date_gmt: datetime | None = None  # aware UTC (wp:post_date_gmt), None when 0000-00-00
    modified: datetime | None = None
    modified_gmt: datetime | None = None
    comment_status: str = "open"
    ping_status: str = "open"
    slug: str = ""
    status: str = "publish"
    parent: str = "0"
    menu_order: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    # (taxonomy, slug, name) as the item lists them: ("category", "news", "News")
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # the last value of each key
    meta_all: list[tuple[str, str]] = field(default_factory=list)  # keys may repeat
    comments: list[WxrComment] = field(default_factory=list)
    line: int | None = None


def parse_wp_datetime(value: str) -> datetime | None:
    """WordPress's "YYYY-MM-DD HH:MM:SS", or None for empty and 0000-00-00 dates."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    for candidate in (value[:19], value[:10]):
        try:
            return datetime.fromisoformat(candidate)  # far faster than strptime
        except ValueError:
            continue
    return None


def _gmt(value: str) -> datetime | None:
    parsed = parse_wp_datetime(value)
    return parsed.replace(tzinfo=UTC) if parsed else None


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _raw_text(element) -> str:
    """Element text without stripping: content keeps its own whitespace (it is meaningful in
    WordPress's classic editor, where blank lines make paragraphs)."""
    return element.text or "" if element is not None else ""


class _Names:
    """The tag names of the export's namespaces: the wp namespace's version varies by file."""

    def __init__(self, wp: str, excerpt: str | None):
        self.wp = wp
        self.excerpt = excerpt

    def wp_tag(self, name: str) -> str:
        return f"{{{self.wp}}}{name}"


def _children(element, names: _Names) -> dict[str, object]:
    """The element's children by local name (the first of each name; wp:ns children only)."""
    found = {}
    wp_prefix = "{" + names.wp + "}"
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag.startswith(wp_prefix):
            found.setdefault(tag[len(wp_prefix):], child)
        elif tag[0] != "{":
            found.setdefault(tag, child)
    return found


def _author(element, names: _Names) -> WxrAuthor:
    c = _children(element, names)
    return WxrAuthor(
        login=_text(c.get("author_login")), email=_text(c.get("author_email")),
        display_name=_text(c.get("author_display_name")),
        first_name=_text(c.get("author_first_name")), last_name=_text(c.get("author_last_name")),
        wp_id=_text(c.get("author_id")),
    )


def _term(element, names: _Names) -> WxrTerm:
    c = _children(element, names)
    local = etree.QName(element).localname
    if local == "category":
        return WxrTerm("category", _text(c.get("category_nicename")), _text(c.get("cat_name")),
                       _text(c.get("term_id")), _text(c.get("category_parent")),
                       _text(c.get("category_description")))
    if local == "tag":
        return WxrTerm("post_tag", _text(c.get("tag_slug")), _text(c.get("tag_name")),
                       _text(c.get("term_id")), "", _text(c.get("tag_description")))
    return WxrTerm(_text(c.get("term_taxonomy")), _text(c.get("term_slug")),
                   _text(c.get("term_name")), _text(c.get("term_id")),
                   _text(c.get("term_parent")), _text(c.get("term_description")))


def _meta(element, names: _Names) -> tuple[str, str]:
    c = _children(element, names)
    return _text(c.get("meta_key")), _raw_text(c.get("meta_value"))


def _comment(element, names: _Names) -> WxrComment:
    c = _children(element, names)
    meta = {}
    for child in element.iterchildren(names.wp_tag("commentmeta")):
        key, value = _meta(child, names)
        meta[key] = value
    return WxrComment(
        wp_id=_text(c.get("comment_id")), author=_text(c.get("comment_author")),
        author_email=_text(c.get("comment_author_email")),
        author_url=_text(c.get("comment_author_url")),
        author_ip=_text(c.get("comment_author_IP")),
        date=parse_wp_datetime(_text(c.get("comment_date"))),
        date_gmt=_gmt(_text(c.get("comment_date_gmt"))),
        content=_raw_text(c.get("comment_content")),
        approved=_text(c.get("comment_approved")) or "1",
        type=_text(c.get("comment_type")), parent=_text(c.get("comment_parent")) or "0",
        user_id=_text(c.get("comment_user_id")) or "0", meta=meta, line=element.sourceline,
    )


def _item(element, names: _Names) -> WxrItem:
    c = _children(element, names)
    item = WxrItem(
        post_id=_text(c.get("post_id")), post_type=_text(c.get("post_type")) or "post",
        title=_text(c.get("title")), link=_text(c.get("link")), guid=_text(c.get("guid")),
        date=parse_wp_datetime(_text(c.get("post_date"))),
        date_gmt=_gmt(_text(c.get("post_date_gmt"))),
        modified=parse_wp_datetime(_text(c.get("post_modified"))),
        modified_gmt=_gmt(_text(c.get("post_modified_gmt"))),
        comment_status=_text(c.get("comment_status")) or "open",
        ping_status=_text(c.get("ping_status")) or "open",
        slug=_text(c.get("post_name")), status=_text(c.get("status")) or "publish",
        parent=_text(c.get("post_parent")) or "0",
        password=_text(c.get("post_password")),
        is_sticky=_text(c.get("is_sticky")) == "1",
        attachment_url=_text(c.get("attachment_url")),
        line=element.sourceline,
    )
    if not item.post_id:
        item.post_id = _fallback_post_id(item)
    try:
        item.menu_order = int(_text(c.get("menu_order")) or 0)
    except ValueError:
        item.menu_order = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        ns, local = qname.namespace, qname.localname
        if ns == CONTENT_NAMESPACE and local == "encoded":
            item.content = _raw_text(child)
        elif ns == names.excerpt and local == "encoded":
            item.excerpt = _raw_text(child)
        elif ns == DC_NAMESPACE and local == "creator":
            item.creator = _text(child)
        elif ns is None and local == "category":
            taxonomy = child.get("domain") or "category"
            slug = (child.get("nicename") or "").strip()
            item.terms.append((taxonomy, slug, _text(child)))
        elif ns == names.wp and local == "postmeta":
            key, value = _meta(child, names)
            if key:
                item.meta[key] = value
                item.meta_all.append((key, value))
        elif ns == names.wp and local == "comment":
            item.comments.append(_comment(child, names))
    return item


def _fallback_post_id(item: WxrItem) -> str:
    """Hand-written exports may leave out wp:post_id: take it from the ?p=ID link WordPress puts in
    the guid, or else make one the same file always gives the same item."""
    for url in (item.guid, item.link):
        match = re.search(r"[?&](?:p|page_id|attachment_id)=(\d+)", url)
        if match:
            return match.group(1)
    return "guid:" + (item.guid or item.link or f"{item.title}@{item.date}")[:190]


def _site(channel_children: dict, names: _Names) -> WxrSite:
    return WxrSite(
        title=_text(channel_children.get("title")), link=_text(channel_children.get("link")),
        description=_text(channel_children.get("description")),
        language=_text(channel_children.get("language")),
        wxr_version=_text(channel_children.get("wxr_version")),
        base_site_url=_text(channel_children.get("base_site_url")),
        base_blog_url=_text(channel_children.get("base_blog_url")),
        generator=_text(channel_children.get("generator")),
    )


def read_wxr(source):
    """Yield a WxrSite, then WxrAuthor, WxrTerm and WxrItem records in file order.

    `source` is a path or a binary file object. Raises WxrError for anything unreadable."""
    parser = etree.iterparse(
        source, events=("start", "end"), resolve_entities=False, no_network=True,
        huge_tree=True, remove_comments=True, remove_pis=True,
    )
    names = None
    channel = None
    site_fields: dict = {}
    site_sent = False
    depth = 0
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if depth == 1:
                    names = _names_of_root(element)
                elif depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or element.getparent() is not channel or channel is None:
                continue
            qname = etree.QName(element)
            local = qname.localname
            if qname.namespace is None and local in {
                "title", "link", "description", "language", "generator",
            }:
                site_fields[local] = element
                continue
            if qname.namespace == names.wp and local in {
                "wxr_version", "base_site_url", "base_blog_url",
            }:
                site_fields[local] = element
                continue
            is_record = (qname.namespace == names.wp and local in RECORD_TAGS) or (
                qname.namespace is None and local == "item"
            )
            if is_record and not site_sent:
                site_sent = True
                yield _site(site_fields, names)
                site_fields = {}
            if qname.namespace == names.wp and local == "author":
                yield _author(element, names)
            elif qname.namespace == names.wp and local in RECORD_TAGS:
                yield _term(element, names)
            elif qname.namespace is None and local == "item":
                yield _item(element, names)
            # Free what has been read: the streaming is what keeps memory flat.
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del channel[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    except OSError as exc:
        raise WxrError(f"cannot read the file: {exc.strerror or exc}") from None
    if names is None:
        raise WxrError("the file is empty")
    if channel is None:
        raise WxrError("not a WordPress export: there is no <channel> element")
    if not site_sent:
        yield _site(site_fields, names)


@dataclass
class WxrOverview:
    """What an import must know before it starts, learned by one cheap pass over the file."""

    records: int = 0  # authors, terms and items: the progress bar's total
    items: int = 0
    comments: int = 0
    attachments: dict[str, WxrItem] = field(default_factory=dict)
    utc_offset: timedelta | None = None  # the blog's local time minus GMT, from its first post


def overview(source) -> WxrOverview:
    """Read the whole file, checking it is well-formed WXR, and note its attachments (posts
    refer to them by id before or after they appear). Only attachments are turned into records,
    so this pass costs a fraction of the import's. Raises WxrError like read_wxr."""
    result = WxrOverview()
    names = channel = None
    wanted = ["item", "{*}author", "{*}category", "{*}tag", "{*}term"]
    parser = etree.iterparse(source, events=("end",), tag=wanted, resolve_entities=False,
                             no_network=True, huge_tree=True, remove_comments=True,
                             remove_pis=True)
    try:
        for _event, element in parser:
            if names is None:
                names = _names_of_root(element.getroottree().getroot())
            parent = element.getparent()
            if parent is None or parent.tag != "channel":
                continue  # a post's own <category>: part of its item
            channel = parent
            result.records += 1
            if element.tag == "item":
                _note_item(element, names, result)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del channel[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    except OSError as exc:
        raise WxrError(f"cannot read the file: {exc.strerror or exc}") from None
    if names is None:
        # No records at all: read_wxr says why (empty, not <rss>, no namespace ...) or yields
        # just the site.
        for _record in read_wxr(source):
            pass
    return result


def _note_item(element, names: _Names, result: WxrOverview) -> None:
    result.items += 1
    result.comments += sum(1 for _ in element.iterchildren(names.wp_tag("comment")))
    if element.findtext(names.wp_tag("post_type")) == "attachment":
        item = _item(element, names)
        result.attachments[item.post_id] = item
    if result.utc_offset is None:
        local = parse_wp_datetime(element.findtext(names.wp_tag("post_date")) or "")
        gmt = parse_wp_datetime(element.findtext(names.wp_tag("post_date_gmt")) or "")
        if local and gmt:
            result.utc_offset = local - gmt


def _names_of_root(root) -> _Names:
    if root.tag != "rss":
        raise WxrError(
            f"not a WordPress export: the document is <{etree.QName(root).localname}>, not <rss>",
            root.sourceline,
        )
    wp = excerpt = None
    for uri in root.nsmap.values():
        if WP_NAMESPACE.match(uri or ""):
            wp = uri
        elif EXCERPT_NAMESPACE.match(uri or ""):
            excerpt = uri
    if wp is None:
        raise WxrError(
            "not a WordPress export: no WXR namespace (https://wordpress.org/export/1.x/); "
            "is this a plain RSS feed? (use import-feed for those)", root.sourceline,
        )
    return _Names(wp, excerpt)


def _line_count(source) -> int | None:
    """Lines in the file (only on the error path: a streaming count, constant memory)."""
    try:
        if hasattr(source, "read"):
            source.seek(0)
            return sum(chunk.count(b"\n") for chunk in iter(lambda: source.read(1 << 20), b"")) + 1
        with open(source, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) + 1
    except (OSError, AttributeError):
        return None


def _holds_text(source) -> bool:
    try:
        with open(source, "rb") as f:
            return bool(f.read(4096).strip())
    except (OSError, TypeError):
        return False


def _syntax_error(exc: etree.XMLSyntaxError, source) -> WxrError:
    line = exc.lineno or (exc.position[0] if exc.position else None)
    message = exc.msg or str(exc)
    # libxml2 appends its own ", line N, column M"; we say the line once, in front.
    message = re.sub(r",? line \d+, column \d+$", "", message).strip()
    if not message or "unregistered error" in message.lower():
        message = "the XML stops being valid here"
    lowered = message.lower()
    if "no element found" in lowered or "document is empty" in lowered:
        if not _holds_text(source):
            return WxrError("the file is empty: it holds no XML at all")
        # The streaming parser says this of some errors (an undefined entity such as
        # &colon;) without a line; the whole-file parser names the real error and its line.
        try:
            etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True,
                                                     huge_tree=True))
        except etree.XMLSyntaxError as full:
            if full.msg and "no element found" not in full.msg.lower():
                return _syntax_error(full, source)
        return WxrError("malformed XML: the parser stopped without saying where")
    total = _line_count(source)
    at_end = line is not None and total is not None and line >= total - 1
    if at_end or any(sign in lowered for sign in ("premature end", "not finished", "eof")):
        message = f"the file ends before the export does; is it truncated? ({message})"
    return WxrError(f"malformed XML: {message}", line)
