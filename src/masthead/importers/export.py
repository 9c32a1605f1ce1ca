"""Write the site as a WordPress export (WXR 1.2) that WordPress's importer, and ours, can read.

Written incrementally with lxml's xmlfile and read in chunks, so memory stays flat however many
articles there are. Articles become posts, sections categories (with their parent), pages pages,
featured images attachments, comments comments with their threading and status. WordPress
numbers posts, pages and attachments in one sequence: articles keep their primary key, pages and
attachments are numbered after the highest article.
"""

import re
from collections import defaultdict
from datetime import UTC, datetime
from email.utils import format_datetime

from django.conf import settings
from django.db.models import F, Max
from django.utils import timezone
from lxml import etree

from masthead.comments.models import ArticleDiscussion, Comment
from masthead.newsroom.models import Article, Author, Page, Section, Tag

from .importer import EXPORT_GENERATOR
from .models import WordPressObject

WP = "http://wordpress.org/export/1.2/"
NSMAP = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}
CHUNK = 500
POST_STATUS = {
    Article.Status.PUBLISHED: "publish", Article.Status.SCHEDULED: "future",
    Article.Status.DRAFT: "draft", Article.Status.PENDING: "pending",
}
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1", Comment.Status.PENDING: "0", Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
# Post meta the exporter writes from article fields; the same keys from an import are not
# written twice.
GENERATED_META = {"source_url", "source_name", "_thumbnail_id"}
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)


def _wp(name: str) -> str:
    return f"{{{WP}}}{name}"


def _ns(prefix: str, name: str) -> str:
    return f"{{{NSMAP[prefix]}}}{name}"


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else \
        "0000-00-00 00:00:00"


def _gmt(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else \
        "0000-00-00 00:00:00"


def _rfc822(value: datetime | None) -> str:
    return format_datetime(value.astimezone(UTC)) if value else ""


def wordpress_html(body_html: str) -> str:
    """WordPress turns single newlines in post content into <br> when it shows a post; outside
    <pre> they are only layout here, so they become spaces."""
    parts = _PRE.split(body_html)
    return "".join(p if i % 2 else p.replace("\n", " ") for i, p in enumerate(parts)).strip()


def _sub(parent, tag: str, text="", **attrs):
    el = etree.SubElement(parent, tag, **attrs)
    el.text = "" if text is None else str(text)
    return el


def _stream(xf, element) -> None:
    """Write a small element tree through xmlfile's own element contexts, so the namespace
    prefixes declared once on <rss> are reused rather than repeated on every element."""
    with xf.element(element.tag, dict(element.attrib)):
        text = element.text or ""
        if text:
            # CDATA, as WordPress writes it, unless the text itself holds the CDATA terminator.
            xf.write(etree.CDATA(text) if re.search(r"[<>&]", text) and "]]>" not in text
                     else text)
        for child in element:
            _stream(xf, child)


def export_wxr(path, *, base_url: str = "", progress=None) -> dict:
    """Write the whole site to `path`; returns how many of each kind were written."""
    base_url = (base_url or settings.BASE_URL or "http://localhost").rstrip("/")
    advance = progress or (lambda n=1: None)
    counts = defaultdict(int)
    max_article = Article.objects.aggregate(m=Max("pk"))["m"] or 0
    max_page = Page.objects.aggregate(m=Max("pk"))["m"] or 0
    writer = _Writer(base_url, page_offset=max_article,
                     attachment_offset=max_article + max_page)
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", {"version": "2.0"}, nsmap=NSMAP), xf.element("channel"):
            for element in writer.channel():
                _stream(xf, element)
            for kind, element in writer.furniture():
                _stream(xf, element)
                counts[kind] += 1
            for kind, element in writer.items():
                _stream(xf, element)
                xf.write("\n")
                counts[kind] += 1
                if kind in {"posts", "pages"}:
                    advance(1)
                xf.flush()
    counts["comments"] = writer.comments_written
    return dict(counts)


def items_to_export() -> int:
    return Article.objects.count() + Page.objects.count()


class _Writer:
    def __init__(self, base_url: str, page_offset: int, attachment_offset: int):
        self.base_url = base_url
        self.page_offset = page_offset
        self.attachment_offset = attachment_offset
        self.comments_written = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- channel -------------------------------------------------------------------------------
    def channel(self):
        from masthead.newsroom.models import SiteSettings

        site = SiteSettings.current()
        root = etree.Element("channel")
        _sub(root, "title", site.name)
        _sub(root, "link", self.base_url)
        _sub(root, "description", site.tagline)
        _sub(root, "pubDate", _rfc822(timezone.now()))
        _sub(root, "language", site.language)
        _sub(root, _wp("wxr_version"), "1.2")
        _sub(root, _wp("base_site_url"), self.base_url)
        _sub(root, _wp("base_blog_url"), self.base_url)
        _sub(root, "generator", EXPORT_GENERATOR)
        yield from root

    def furniture(self):
        for author in Author.objects.select_related("user").order_by("pk"):
            el = etree.Element(_wp("author"))
            user = author.user
            # Comments name their writer by user id, so authors are numbered by theirs.
            _sub(el, _wp("author_id"), author.user_id or "")
            _sub(el, _wp("author_login"), self.login(author))
            _sub(el, _wp("author_email"), user.email if user else "")
            _sub(el, _wp("author_display_name"), author.display_name)
            _sub(el, _wp("author_first_name"), user.first_name if user else "")
            _sub(el, _wp("author_last_name"), user.last_name if user else "")
            yield "authors", el
        # Parents first: WordPress's importer needs a category's parent before the category.
        parents_first = (F("parent_id").asc(nulls_first=True), "pk")
        for section in Section.objects.select_related("parent").order_by(*parents_first):
            el = etree.Element(_wp("category"))
            _sub(el, _wp("term_id"), section.pk)
            _sub(el, _wp("category_nicename"), section.slug)
            _sub(el, _wp("category_parent"), section.parent.slug if section.parent_id else "",
                 )
            _sub(el, _wp("cat_name"), section.name)
            _sub(el, _wp("category_description"), section.description)
            yield "sections", el
        for tag in Tag.objects.order_by("pk").iterator(chunk_size=CHUNK):
            el = etree.Element(_wp("tag"))
            _sub(el, _wp("term_id"), tag.pk)
            _sub(el, _wp("tag_slug"), tag.slug)
            _sub(el, _wp("tag_name"), tag.name)
            yield "tags", el

    @staticmethod
    def login(author: Author) -> str:
        return author.user.username if author.user_id else author.slug

    # -- items ---------------------------------------------------------------------------------
    def items(self):
        articles = Article.objects.order_by("pk").select_related("section").prefetch_related(
            "tags", "authors__user")
        last_pk = 0
        while True:
            chunk = list(articles.filter(pk__gt=last_pk)[:CHUNK])
            if not chunk:
                break
            last_pk = chunk[-1].pk
            pks = [a.pk for a in chunk]
            comments = defaultdict(list)
            for comment in Comment.objects.filter(article_id__in=pks).order_by("pk"):
                comments[comment.article_id].append(comment)
            closed = set(ArticleDiscussion.objects.filter(
                article_id__in=pks, comments_open=False).values_list("article_id", flat=True))
            kept = {m.object_id: m.meta for m in WordPressObject.objects.filter(
                kind=WordPressObject.Kind.POST, object_id__in=pks)}
            for article in chunk:
                if article.image_src:
                    yield "attachments", self.attachment(article)
                yield "posts", self.post(article, comments[article.pk], article.pk not in closed,
                                         kept.get(article.pk, {}))
        for page in Page.objects.order_by("pk").iterator(chunk_size=CHUNK):
            yield "pages", self.page(page)

    def _item(self, *, post_id, title, link, creator, content, excerpt, published, modified,
              slug, status, post_type, parent=0, comment_status="closed"):
        item = etree.Element("item")
        _sub(item, "title", title)
        _sub(item, "link", link)
        _sub(item, "pubDate", _rfc822(published))
        _sub(item, _ns("dc", "creator"), creator)
        _sub(item, "guid", link, isPermaLink="false")
        _sub(item, "description", "")
        _sub(item, _ns("content", "encoded"), content)
        _sub(item, _ns("excerpt", "encoded"), excerpt)
        _sub(item, _wp("post_id"), post_id)
        _sub(item, _wp("post_date"), _local(published))
        _sub(item, _wp("post_date_gmt"), _gmt(published))
        _sub(item, _wp("post_modified"), _local(modified))
        _sub(item, _wp("post_modified_gmt"), _gmt(modified))
        _sub(item, _wp("comment_status"), comment_status)
        _sub(item, _wp("ping_status"), "closed")
        _sub(item, _wp("post_name"), slug)
        _sub(item, _wp("status"), status)
        _sub(item, _wp("post_parent"), parent)
        _sub(item, _wp("menu_order"), 0)
        _sub(item, _wp("post_type"), post_type)
        _sub(item, _wp("post_password"), "")
        _sub(item, _wp("is_sticky"), 0)
        return item

    def post(self, article: Article, comments: list, comments_open: bool, kept: dict):
        authors = list(article.authors.all())
        item = self._item(
            post_id=article.pk, title=article.title, link=self.url(article.get_absolute_url()),
            creator=self.login(authors[0]) if authors else "",
            content=wordpress_html(article.body_html), excerpt=article.dek,
            published=article.published_at, modified=article.updated_at or article.modified_at,
            slug=article.slug, status=POST_STATUS.get(article.status, "draft"), post_type="post",
            comment_status="open" if comments_open else "closed",
        )
        if article.is_lead or article.importance >= 5:
            item.find(_wp("is_sticky")).text = "1"
        if article.section_id:
            _sub(item, "category", article.section.name, domain="category",
                 nicename=article.section.slug)
        for tag in article.tags.all():
            _sub(item, "category", tag.name, domain="post_tag", nicename=tag.slug)
        meta = [("source_url", article.source_url), ("source_name", article.source_name)]
        if article.image_src:
            meta.append(("_thumbnail_id", self.attachment_offset + article.pk))
        meta += [(k, v) for k, v in kept.get("postmeta", []) if k not in GENERATED_META]
        for key, value in meta:
            if value:
                pm = _sub(item, _wp("postmeta"))
                _sub(pm, _wp("meta_key"), key)
                _sub(pm, _wp("meta_value"), value)
        for comment in comments:
            item.append(self.comment(comment))
            self.comments_written += 1
        return item

    def comment(self, comment: Comment):
        el = etree.Element(_wp("comment"))
        _sub(el, _wp("comment_id"), comment.pk)
        _sub(el, _wp("comment_author"), comment.author)
        _sub(el, _wp("comment_author_email"), comment.author_email)
        _sub(el, _wp("comment_author_url"), comment.author_url)
        _sub(el, _wp("comment_author_IP"), comment.author_ip)
        _sub(el, _wp("comment_date"), _local(comment.created_at))
        _sub(el, _wp("comment_date_gmt"), _gmt(comment.created_at))
        _sub(el, _wp("comment_content"), comment.text)
        _sub(el, _wp("comment_approved"), COMMENT_APPROVED.get(comment.status, "0"))
        _sub(el, _wp("comment_type"), "comment")
        _sub(el, _wp("comment_parent"), comment.parent_id or 0)
        _sub(el, _wp("comment_user_id"), comment.user_id or 0)
        if comment.agent:
            meta = _sub(el, _wp("commentmeta"))
            _sub(meta, _wp("meta_key"), "agent")
            _sub(meta, _wp("meta_value"), comment.agent)
        return el

    def attachment(self, article: Article):
        url = article.image_src
        if url.startswith("/"):
            url = self.url(url)
        item = self._item(
            post_id=self.attachment_offset + article.pk, title=article.image_alt or article.title,
            link=url, creator="", content="", excerpt=article.image_caption,
            published=article.published_at, modified=article.modified_at,
            slug=f"{article.slug}-image"[:200], status="inherit", post_type="attachment",
            parent=article.pk,
        )
        _sub(item, _wp("attachment_url"), url)
        if article.image_alt:
            pm = _sub(item, _wp("postmeta"))
            _sub(pm, _wp("meta_key"), "_wp_attachment_image_alt")
            _sub(pm, _wp("meta_value"), article.image_alt)
        return item

    def page(self, page: Page):
        return self._item(
            post_id=self.page_offset + page.pk, title=page.title,
            link=self.url(page.get_absolute_url()), creator="",
            content=wordpress_html(page.body_html), excerpt="", published=page.updated_at,
            modified=page.updated_at, slug=page.slug,
            status="publish" if page.is_published else "draft", post_type="page",
        )
