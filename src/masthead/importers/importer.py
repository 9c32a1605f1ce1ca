"""Import a WordPress export into the newsroom: the Django side of `masthead import-wxr`.

The file is read twice, streaming both times. The first pass checks the whole file (so a
malformed or truncated export fails before anything is written), counts its items for the
progress bar and notes its attachments (galleries and featured images refer to them by id). The
second pass writes everything inside one transaction: any error leaves the site as it was.

Each WordPress object is remembered in WordPressObject with a digest of its source, so a second
import of the same file updates what changed, skips what did not, and duplicates nothing.
"""

import dataclasses
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.newsroom.models import (
    LANGUAGE_NAMES,
    RESERVED_PAGE_SLUGS,
    Article,
    Author,
    Page,
    Revision,
    Section,
    Tag,
    unique_slug,
)

from . import postmeta
from .bulk import deferred_search_index
from .comment_import import CommentImporter
from .content import Media, plain_text, wordpress_to_body
from .models import ImportedAttachment, LegacyURL, WordPressObject
from .wxr import WxrAuthor, WxrError, WxrItem, WxrSite, WxrTerm, overview, read_wxr

# Bump when the conversion changes, so a re-import rewrites what an older version made.
CONVERTER_VERSION = "1"
Kind = WordPressObject.Kind
MAX_KEPT_WARNINGS = 500
EXPORT_GENERATOR = "Masthead"  # the <generator> of `masthead export-wxr` files
BATCH = 500  # articles whose links, revisions, records and search entries are written together


@dataclass
class Summary:
    """What an import did (or, in a dry run, would do), by kind."""

    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    warnings: list = field(default_factory=list)
    warning_count: int = 0
    dry_run: bool = False
    site: str = ""

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[kind][action] += n

    def warn(self, where: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT_WARNINGS:
            self.warnings.append(f"{where}: {message}" if where else message)

    def total(self, action: str) -> int:
        return sum(c[action] for c in self.counts.values())


@dataclass
class Scan:
    """What the first pass learned about the file."""

    records: int = 0
    items: int = 0
    comments: int = 0
    attachments: dict = field(default_factory=dict)  # wp id -> Media
    children: dict = field(default_factory=lambda: defaultdict(list))  # post id -> [wp id]
    utc_offset: timedelta | None = None


def scan(path) -> Scan:
    """Read the whole file once, checking it; raises WxrError naming the line of a problem."""
    seen = overview(path)
    result = Scan(records=seen.records, items=seen.items, comments=seen.comments,
                  utc_offset=seen.utc_offset)
    for wp_id, item in seen.attachments.items():
        result.attachments[wp_id] = Media(
            url=item.attachment_url or item.guid,
            alt=plain_text(item.meta.get("_wp_attachment_image_alt", "")),
            caption=plain_text(item.excerpt),
        )
        if item.parent not in {"", "0"}:
            result.children[item.parent].append(wp_id)
    return result


def digest_of(record, *extra) -> str:
    """A fingerprint of a record's content (not of its place in the file, nor its comments,
    which have their own): an unchanged record is skipped on re-import."""
    changes = {"line": None, "comments": []} if isinstance(record, WxrItem) else {}
    payload = repr((CONVERTER_VERSION, dataclasses.replace(record, **changes), extra))
    return hashlib.sha256(payload.encode()).hexdigest()


def first_revision(article: Article, tag_ids: list[int], author_ids: list[int]) -> Revision:
    """The revision Revision.snapshot() would take of a just-imported article, made without its
    two look-up queries (the tags and bylines are known) so it can be bulk-created."""
    data = {name: getattr(article, name) for name in Revision.FIELDS}
    data["published_at"] = article.published_at.isoformat() if article.published_at else None
    return Revision(article=article, data=data, tag_ids=sorted(tag_ids),
                    author_ids=sorted(author_ids))


def normalise_path(url: str) -> str | None:
    """The part of an old URL the redirect table is keyed on: decoded path, lower case, no
    trailing slash. None for the home page and for addresses with no path."""
    path = unquote(urlsplit(url.strip()).path or "").lower().rstrip("/")
    return path or None


def wordpress_slug(nicename: str, name: str, fallback: str, max_length: int) -> str:
    """An ASCII slug (Masthead's URLs use [-a-zA-Z0-9_]) from WordPress's nicename or name."""
    for candidate in (unquote(nicename or ""), plain_text(name or "")):
        slug = slugify(candidate)[:max_length].strip("-")
        if slug:
            return slug
    return fallback[:max_length]


class WxrImporter:
    """One import run. `progress(advance)` is called as records are done."""

    def __init__(self, path, *, dry_run: bool = False, progress=None,
                 remember_comments: bool = False):
        self.path = path
        self.dry_run = dry_run
        self.progress = progress or (lambda n=1: None)
        self.summary = Summary(dry_run=dry_run)
        self.scan: Scan | None = None
        self.site = ""
        self.language = ""
        # Small per-file tables (terms, authors): sections by WordPress slug, with their depth.
        self.sections: dict[str, tuple[int | None, int, int | None]] = {}
        self.category_parents: dict[str, str] = {}  # WordPress slug -> parent's slug
        self.category_term_ids: dict[str, str] = {}
        # Categories whose parent the file has not declared yet, by the parent's slug.
        self.waiting_categories: dict[str, list[WxrTerm]] = {}
        self.tags: dict[str, int | None] = {}
        self.authors: dict[str, int | None] = {}
        self.users_by_wp_id: dict[str, int] = {}  # for comments written by signed-in users
        self.comment_importer = CommentImporter(self, remember=remember_comments)
        # A first import of this site has no records to look up: one query saved per object.
        self.first_import = False
        self.finished_html = False
        self.touched_articles: set[int] = set()  # written since the last flush
        self.index_articles = lambda ids: None
        self.pending_mappings: dict[tuple[str, str], WordPressObject] = {}
        self.pending_legacy: dict[str, tuple[str, int]] = {}
        self.pending_tag_links: list = []
        self.pending_author_links: list = []
        self.pending_revisions: list[Revision] = []

    # -- entry point ---------------------------------------------------------------------------
    def run(self, scan_result: Scan | None = None) -> Summary:
        self.scan = scan_result or scan(self.path)
        with transaction.atomic(), deferred_search_index() as self.index_articles:
            self._import_records()
            self.settle_categories()
            if self.dry_run:
                transaction.set_rollback(True)  # belt and braces: a dry run writes nothing anyway
            else:
                self.flush()
        return self.summary

    def _import_records(self) -> None:
        for record in read_wxr(self.path):
            if isinstance(record, WxrSite):
                self.start_site(record)
                continue
            if isinstance(record, WxrAuthor):
                self.import_author(record)
            elif isinstance(record, WxrTerm):
                self.import_term(record)
            elif isinstance(record, WxrItem):
                self.import_item(record)
            self.progress(1)

    def start_site(self, site: WxrSite) -> None:
        # WordPress ids mean something only within one blog: records are kept per blog address.
        self.site = (site.base_blog_url or site.link or site.base_site_url or "").rstrip("/")
        self.summary.site = self.site
        self.language = self._language(site.language)
        self.first_import = not WordPressObject.objects.filter(site=self.site).exists()
        # Our own exports hold finished HTML: WordPress's paragraph rules must not apply twice.
        self.finished_html = site.generator.startswith(EXPORT_GENERATOR)

    # -- helpers -------------------------------------------------------------------------------
    def _language(self, code: str) -> str:
        code = (code or "").split("-")[0].lower()
        return code if code in LANGUAGE_NAMES else ""

    # -- writes held back and made in batches (see flush) ---------------------------------------
    def _mapping(self, kind: str, wp_id: str) -> WordPressObject | None:
        pending = self.pending_mappings.get((kind, wp_id))
        if pending is not None or self.first_import:
            return pending
        return WordPressObject.objects.filter(site=self.site, kind=kind, wp_id=wp_id).first()

    def _remember(self, mapping, kind, wp_id, obj_id, digest, meta=None) -> None:
        if mapping is None:
            self.pending_mappings[(kind, wp_id)] = WordPressObject(
                site=self.site, kind=kind, wp_id=wp_id, object_id=obj_id, digest=digest,
                meta=meta or {})
            return
        mapping.object_id, mapping.digest = obj_id, digest
        if meta is not None:
            mapping.meta = meta
        if mapping.pk is not None:  # a pending one is written as it is by flush()
            mapping.save()

    def _legacy(self, url: str, target_kind: str, target_id: int, own_url: str = "") -> None:
        path = normalise_path(url)
        if not path or (own_url and path == normalise_path(own_url)):
            return
        self.pending_legacy[path[:500]] = (target_kind, target_id)

    def flush(self) -> None:
        """Write the held-back rows: import records, old addresses, new articles' tags, bylines,
        first revisions, search entries, comments. Called every BATCH articles and at the end."""
        WordPressObject.objects.bulk_create(self.pending_mappings.values(), batch_size=500)
        LegacyURL.objects.bulk_create(
            [LegacyURL(path=path, target_kind=kind, target_id=pk)
             for path, (kind, pk) in self.pending_legacy.items()],
            batch_size=500, update_conflicts=True, unique_fields=["path"],
            update_fields=["target_kind", "target_id"],
        )
        Article.tags.through.objects.bulk_create(self.pending_tag_links, batch_size=500)
        Article.authors.through.objects.bulk_create(self.pending_author_links, batch_size=500)
        Revision.objects.bulk_create(self.pending_revisions, batch_size=500)
        self.index_articles(self.touched_articles)
        self.touched_articles.clear()
        self.pending_mappings.clear()
        self.pending_legacy.clear()
        self.pending_tag_links.clear()
        self.pending_author_links.clear()
        self.pending_revisions.clear()
        self.comment_importer.flush()

    def _aware(self, local: datetime | None, gmt: datetime | None) -> datetime | None:
        """A WordPress date as an aware datetime: the GMT column when set, otherwise the local
        column at the blog's offset (learned from the file) or the site's time zone."""
        if gmt is not None:
            return gmt
        if local is None:
            return None
        if self.scan.utc_offset is not None:
            return (local - self.scan.utc_offset).replace(tzinfo=UTC)
        return timezone.make_aware(local)

    def _where(self, item: WxrItem) -> str:
        title = plain_text(item.title, 60) or "(no title)"
        return f"line {item.line}, {item.post_type} {item.post_id} “{title}”"

    # -- authors -------------------------------------------------------------------------------
    def import_author(self, record: WxrAuthor) -> int | None:
        login = record.login.strip()
        if not login:
            self.summary.warn("", "skipped an author with no login")
            self.summary.count("author", "skipped")
            return None
        mapping = self._mapping(Kind.AUTHOR, login)
        digest = digest_of(record)
        if mapping and mapping.digest == digest:
            found = Author.objects.filter(pk=mapping.object_id).values_list("user_id").first()
            if found:
                self.summary.count("author", "unchanged")
                self.authors[login] = mapping.object_id
                if record.wp_id and found[0]:
                    self.users_by_wp_id[record.wp_id] = found[0]
                return mapping.object_id
        self.summary.count("author", "updated" if mapping else "created")
        if self.dry_run:
            self.authors[login] = mapping.object_id if mapping else None
            return self.authors[login]
        display = plain_text(record.display_name, 100) or login[:100]
        User = get_user_model()
        user = User.objects.filter(username=login[:150]).first()
        if user is None:
            user = User(username=login[:150], email=record.email[:254],
                        first_name=record.first_name[:150], last_name=record.last_name[:150])
            # WordPress's password hashes are not in exports: an administrator gives access.
            user.set_unusable_password()
            user.save()
        elif record.email and not user.email:
            user.email = record.email[:254]
            user.save(update_fields=["email"])
        author = Author.objects.filter(pk=mapping.object_id).first() if mapping else None
        author = author or Author.objects.filter(user=user).first()
        if author is None:
            slug = unique_slug(Author, login, max_length=100)
            author = Author.objects.create(user=user, display_name=display, slug=slug)
        else:
            author.display_name = display
            author.save()
        self._remember(mapping, Kind.AUTHOR, login, author.pk, digest)
        self._legacy(f"/author/{login}/", LegacyURL.Target.AUTHOR, author.pk,
                     author.get_absolute_url())
        self.authors[login] = author.pk
        if record.wp_id:
            self.users_by_wp_id[record.wp_id] = user.pk
        return author.pk

    def author_for(self, creator: str) -> int | None:
        # Stray angle brackets around a login are a known slip in hand-edited exports.
        creator = creator.strip().strip("<>").strip()
        if not creator:
            return None
        if creator not in self.authors:
            # Items may name an author the file never declared (hand-made exports do).
            self.import_author(WxrAuthor(login=creator, display_name=creator))
        return self.authors.get(creator)

    # -- terms ---------------------------------------------------------------------------------
    def import_term(self, term: WxrTerm) -> None:
        # Exports may declare a term twice (as wp:category and again as wp:term): once is enough.
        key = term.slug or term.name
        if term.taxonomy == "category":
            if key in self.sections:
                return
            if term.parent_slug and term.parent_slug not in self.sections:
                # Its parent comes later in the file: wait for it, so the tree is built right.
                self.waiting_categories.setdefault(term.parent_slug, []).append(term)
                return
            self.import_category(term)
            for child in self.waiting_categories.pop(key, []):
                self.import_term(child)
        elif term.taxonomy == "post_tag":
            if key not in self.tags:
                self.import_tag(term)
        else:
            self.summary.count(f"term ({term.taxonomy or 'unknown'})", "skipped")

    def import_category(self, term: WxrTerm) -> int | None:
        """A category becomes a section. Masthead nests sections one level deep, so a category
        deeper than that is attached to its top-level ancestor."""
        key = term.slug or term.name
        self.category_parents[key] = term.parent_slug
        self.category_term_ids[key] = term.term_id
        parent_pk, depth, top_pk = None, 0, None
        if term.parent_slug:
            parent_id, parent_depth, parent_top = self.sections[term.parent_slug]
            depth = parent_depth + 1
            top_pk = parent_top if parent_depth else parent_id
            parent_pk = top_pk
        wp_id = term.term_id or f"slug:{key}"
        mapping = self._mapping(Kind.CATEGORY, wp_id)
        digest = digest_of(term, parent_pk)
        slug = wordpress_slug(term.slug, term.name, f"section-{term.term_id or 'x'}", 100)
        if mapping and mapping.digest == digest and Section.objects.filter(
            pk=mapping.object_id
        ).exists():
            self.summary.count("section", "unchanged")
            self.sections[key] = (mapping.object_id, depth, top_pk)
            return mapping.object_id
        existing = None
        if mapping:
            existing = Section.objects.filter(pk=mapping.object_id).first()
        adopted = existing is None and Section.objects.filter(slug=slug).exists()
        self.summary.count("section", "updated" if mapping or adopted else "created")
        if self.dry_run:
            pk = mapping.object_id if mapping else None
            self.sections[key] = (pk, depth, top_pk)
            return pk
        if adopted:
            # A section of that name was already on the site: use it as it is.
            section = Section.objects.get(slug=slug)
        else:
            section = existing or Section(slug=slug)
            section.name = plain_text(term.name, 100) or slug
            section.description = plain_text(term.description)
            section.parent_id = parent_pk
            section.save()
        self._remember(mapping, Kind.CATEGORY, wp_id, section.pk, digest)
        self.sections[key] = (section.pk, depth, top_pk)
        own = section.get_absolute_url()
        self._legacy(f"/category/{term.slug or slug}/", LegacyURL.Target.SECTION, section.pk, own)
        if term.parent_slug:
            self._legacy(f"/category/{self._category_path(key)}/", LegacyURL.Target.SECTION,
                         section.pk, own)
        if depth > 1:
            self.summary.warn("", f"category “{term.name}” is {depth + 1} levels deep; Masthead "
                                  "nests sections one level, so it now sits under its top-level "
                                  "ancestor")
        return section.pk

    def _category_path(self, key: str) -> str:
        """WordPress's hierarchical category address: parent/child/grandchild."""
        parts = [key]
        seen = {key}
        parent = self.category_parents.get(key)
        while parent and parent not in seen:
            parts.insert(0, parent)
            seen.add(parent)
            parent = self.category_parents.get(parent)
        return "/".join(parts)

    def import_tag(self, term: WxrTerm) -> int | None:
        key = term.slug or term.name
        wp_id = term.term_id or f"slug:{key}"
        mapping = self._mapping(Kind.TAG, wp_id)
        digest = digest_of(term)
        if mapping and mapping.digest == digest and Tag.objects.filter(
            pk=mapping.object_id
        ).exists():
            self.summary.count("tag", "unchanged")
            self.tags[key] = mapping.object_id
            return mapping.object_id
        name = plain_text(term.name, 100) or key[:100]
        slug = wordpress_slug(term.slug, term.name, f"tag-{term.term_id or 'x'}", 100)
        tag = Tag.objects.filter(pk=mapping.object_id).first() if mapping else None
        adopted = tag is None and (
            Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
        )
        self.summary.count("tag", "updated" if tag or adopted else "created")
        if self.dry_run:
            self.tags[key] = tag.pk if tag else None
            return self.tags[key]
        if adopted:
            tag = adopted
        elif tag is None:
            tag = Tag(slug=slug if not Tag.objects.filter(slug=slug).exists() else "")
        if not adopted:
            if Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
                name = f"{name[:90]} ({slug[:6]})"
            tag.name = name
            tag.save()
        self._remember(mapping, Kind.TAG, wp_id, tag.pk, digest)
        self.tags[key] = tag.pk
        self._legacy(f"/tag/{term.slug or slug}/", LegacyURL.Target.TAG, tag.pk,
                     tag.get_absolute_url())
        return tag.pk

    def section_for(self, slug: str, name: str) -> int | None:
        key = slug or name
        if key not in self.sections:
            self.import_category(WxrTerm("category", slug, name or slug))
        return self.sections[key][0]

    def tag_for(self, slug: str, name: str) -> int | None:
        key = slug or name
        if key not in self.tags:
            self.import_tag(WxrTerm("post_tag", slug, name or slug))
        return self.tags[key]

    # -- items ---------------------------------------------------------------------------------
    def settle_categories(self) -> None:
        """Categories still waiting for a parent the file never declared: the parent is made
        from its slug, then they follow."""
        while self.waiting_categories:
            parent_slug = next(iter(self.waiting_categories))
            self.import_term(WxrTerm("category", parent_slug, parent_slug))

    def import_item(self, item: WxrItem) -> None:
        if self.waiting_categories:
            self.settle_categories()
        if item.post_type == "post":
            self.import_post(item)
        elif item.post_type == "page":
            self.import_page(item)
        elif item.post_type == "attachment":
            self.import_attachment(item)
        else:
            # Menus, navigation, templates, reusable blocks, revisions: WordPress furniture with
            # no content of its own for readers.
            self.summary.count(f"item ({item.post_type})", "skipped")

    def _body(self, item: WxrItem) -> str:
        where = self._where(item)
        attachments = self.scan.attachments

        def children(post_id: str) -> list[Media]:
            return [attachments[i] for i in self.scan.children.get(post_id, []) if i in attachments]

        return wordpress_to_body(
            item.content, post_id=item.post_id, attachment=attachments.get, children=children,
            warn=lambda message: self.summary.warn(where, message),
            finished_html=self.finished_html,
        )

    def _status(self, item: WxrItem) -> str | None:
        where = self._where(item)
        if item.status in {"trash", "auto-draft", "inherit"}:
            return None
        if item.password:
            self.summary.warn(where, "password-protected in WordPress: imported as a draft so "
                                     "its text stays private")
            return Article.Status.DRAFT
        if item.status == "private":
            self.summary.warn(where, "private in WordPress: imported as a draft")
            return Article.Status.DRAFT
        return {
            "publish": Article.Status.PUBLISHED, "future": Article.Status.SCHEDULED,
            "pending": Article.Status.PENDING, "draft": Article.Status.DRAFT,
        }.get(item.status, Article.Status.DRAFT)

    def import_post(self, item: WxrItem) -> None:
        status = self._status(item)
        if status is None:
            self.summary.count("article", "skipped")
            return
        mapping = self._mapping(Kind.POST, item.post_id)
        digest = digest_of(item)
        article = None
        if mapping:
            article = Article.objects.filter(pk=mapping.object_id).first()
        if mapping and article and mapping.digest == digest:
            self.summary.count("article", "unchanged")
            self.comment_importer.import_comments(item, article, is_new=False)
            return
        self.summary.count("article", "updated" if article else "created")
        fields = self._article_fields(item, status)
        section_pk, tag_pks, author_pk = self._article_terms(item)
        if self.dry_run:
            self.comment_importer.import_comments(item, article, is_new=mapping is None)
            return
        is_new = article is None
        if is_new:
            article = Article()
            slug = wordpress_slug(item.slug, "", "", 200)
            if slug and Article.objects.filter(slug=slug).exists():
                slug = unique_slug(Article, slug)
            article.slug = slug
        for name, value in fields.items():
            setattr(article, name, value)
        article.section_id = section_pk
        article.save()
        tag_pks = sorted({pk for pk in tag_pks if pk})
        author_pks = [author_pk] if author_pk else []
        self.touched_articles.add(article.pk)
        if is_new:
            # A new article's links and first revision are written in the next batch.
            self.pending_tag_links += [Article.tags.through(article_id=article.pk, tag_id=pk)
                                       for pk in tag_pks]
            self.pending_author_links += [
                Article.authors.through(article_id=article.pk, author_id=pk) for pk in author_pks
            ]
            self.pending_revisions.append(first_revision(article, tag_pks, author_pks))
        else:
            article.tags.set(tag_pks)
            article.authors.set(author_pks)
            Revision.snapshot(article)
        if len(self.touched_articles) >= BATCH:
            self.flush()
        self._remember(mapping, Kind.POST, item.post_id, article.pk, digest,
                       meta=postmeta.kept(item))
        own = article.get_absolute_url()
        self._legacy(item.link, LegacyURL.Target.ARTICLE, article.pk, own)
        for old_slug in postmeta.old_slugs(item.meta_all):
            if item.link and item.slug:
                self._legacy(item.link.replace(item.slug, old_slug), LegacyURL.Target.ARTICLE,
                             article.pk, own)
        self.comment_importer.import_comments(item, article, is_new=is_new and mapping is None)

    def _article_fields(self, item: WxrItem, status: str) -> dict:
        published_at = self._aware(item.date, item.date_gmt)
        if status in {Article.Status.DRAFT, Article.Status.PENDING}:
            published_at = None  # a draft's WordPress date is when it was last saved
        fields = {
            "title": plain_text(item.title, 300) or "Untitled",
            "dek": plain_text(item.excerpt) or postmeta.description(item.meta),
            "body": self._body(item),
            "status": status,
            "published_at": published_at,
            "importance": 5 if item.is_sticky else 3,
            "featured_image_url": "", "image_alt": "", "image_caption": "",
        }
        if self.language:
            fields["language"] = self.language
        fields.update(postmeta.article_fields(item.meta, self._where(item), self.summary.warn))
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail:
            media = self.scan.attachments.get(thumbnail)
            if media and media.url:
                fields["featured_image_url"] = media.url[:500]
                fields["image_alt"] = media.alt[:300]
                fields["image_caption"] = media.caption[:300]
            else:
                self.summary.warn(self._where(item),
                                  f"featured image {thumbnail} is not in the file")
        return fields

    def _article_terms(self, item: WxrItem):
        categories = [(s, n) for tax, s, n in item.terms if tax == "category"]
        tags = [(s, n) for tax, s, n in item.terms if tax == "post_tag"]
        primary = postmeta.primary_category(item.meta)
        section_pk = None
        if categories:
            chosen = categories[0]
            # Yoast SEO's primary category, when set, names the one WordPress showed first.
            for slug, name in categories:
                if primary and self.category_term_ids.get(slug or name) == primary:
                    chosen = (slug, name)
            section_pk = self.section_for(*chosen)
            # Other categories have no place on a Masthead article (one section each); the
            # import record keeps them (postmeta.kept), so an export can write them back.
        tag_pks = [self.tag_for(s, n) for s, n in tags]
        return section_pk, tag_pks, self.author_for(item.creator)

    def import_page(self, item: WxrItem) -> None:
        status = self._status(item)
        if status is None:
            self.summary.count("page", "skipped")
            return
        mapping = self._mapping(Kind.PAGE, item.post_id)
        digest = digest_of(item)
        page = Page.objects.filter(pk=mapping.object_id).first() if mapping else None
        if mapping and page and mapping.digest == digest:
            self.summary.count("page", "unchanged")
            return
        self.summary.count("page", "updated" if page else "created")
        body = self._body(item)
        if self.dry_run:
            return
        if page is None:
            slug = wordpress_slug(item.slug, item.title, f"page-{item.post_id}", 100)
            if slug in RESERVED_PAGE_SLUGS:
                slug = f"{slug}-page"
            if Page.objects.filter(slug=slug).exists():
                slug = unique_slug(Page, slug, max_length=100)
            page = Page(slug=slug, show_in_footer=False)
        page.title = plain_text(item.title, 200) or "Untitled"
        page.body = body
        page.is_published = status == Article.Status.PUBLISHED
        page.save()
        self._remember(mapping, Kind.PAGE, item.post_id, page.pk, digest,
                       meta=postmeta.kept(item))
        self._legacy(item.link, LegacyURL.Target.PAGE, page.pk, page.get_absolute_url())
        if item.comments:
            self.summary.count("comment", "skipped", len(item.comments))
            self.summary.warn(self._where(item), f"{len(item.comments)} comment(s) on a page "
                                                 "skipped: Masthead pages have no comments")

    def import_attachment(self, item: WxrItem) -> None:
        url = item.attachment_url or item.guid
        if not url:
            self.summary.count("attachment", "skipped")
            self.summary.warn(self._where(item), "attachment without a URL")
            return
        existing = ImportedAttachment.objects.filter(site=self.site, wp_id=item.post_id).first()
        fields = {
            "url": url[:1000], "title": plain_text(item.title, 300),
            "alt": plain_text(item.meta.get("_wp_attachment_image_alt", ""), 300),
            "caption": plain_text(item.excerpt), "parent_wp_id": item.parent[:40],
            "mime_type": postmeta.mime_type(url),
        }
        if existing and all(getattr(existing, k) == v for k, v in fields.items()):
            self.summary.count("attachment", "unchanged")
            return
        self.summary.count("attachment", "updated" if existing else "created")
        if self.dry_run:
            return
        if existing is None:
            ImportedAttachment.objects.create(site=self.site, wp_id=item.post_id, **fields)
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()


def import_wxr(path, *, dry_run: bool = False, progress=None, scan_result: Scan | None = None,
               **options) -> Summary:
    """Import the WXR file at `path`; see WxrImporter. Raises WxrError for a bad file."""
    importer = WxrImporter(path, dry_run=dry_run, progress=progress, **options)
    return importer.run(scan_result)


__all__ = ["Summary", "WxrError", "WxrImporter", "import_wxr", "normalise_path", "scan"]
