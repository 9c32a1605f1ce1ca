"""WordPress posts become articles, pages become pages, attachments are recorded (and fetched
later with --download-media). Nothing is silently left out: password-protected and private
posts come over as drafts and are listed in the summary; comments on pages come over with the
page (page_comments.py); other item types are counted as skipped."""

import dataclasses

from masthead.newsroom.models import RESERVED_PAGE_SLUGS, Article, Page, Revision, unique_slug
from masthead.site.safe_urls import safe_url

from . import postmeta
from .bodies import body_from_wordpress, newsroom_clean
from .content import Media, markdown_safe_layout, plain_text
from .models import ImportedAttachment, LegacyURL, WordPressObject
from .page_comments import page_comments
from .records import digest_of, wordpress_slug
from .wxr import WxrItem

Kind = WordPressObject.Kind
BATCH = 500  # articles whose links, revisions and search entries are written together


def first_revision(article: Article, tag_ids: list[int], author_ids: list[int]) -> Revision:
    """The revision Revision.snapshot() would take of a just-imported article, made without its
    two look-up queries (the tags and bylines are known) so it can be bulk-created."""
    data = {name: getattr(article, name) for name in Revision.FIELDS}
    data["published_at"] = article.published_at.isoformat() if article.published_at else None
    return Revision(article=article, data=data, tag_ids=sorted(tag_ids),
                    author_ids=sorted(author_ids))


class PostImporter:
    def __init__(self, run):
        self.run = run  # the WxrImporter: summary, records, scan, authors, terms, comments
        self.touched_articles: set[int] = set()  # written since the last flush
        self.index_articles = lambda ids: None  # set by the run: the search index's batch hook
        self.pending_tag_links: list = []
        self.pending_author_links: list = []
        self.pending_revisions: list[Revision] = []

    def import_item(self, item: WxrItem) -> None:
        if item.post_type == "post":
            self.import_post(item)
        elif item.post_type == "page":
            self.import_page(item)
        elif item.post_type == "attachment":
            self.import_attachment(item)
        else:
            # Menus, navigation, templates, reusable blocks, revisions: WordPress furniture with
            # no content of its own for readers.
            self.run.summary.count(f"item ({item.post_type})", "skipped")

    def flush(self) -> None:
        """Write new articles' tags, bylines and first revisions, and index what was written."""
        Article.tags.through.objects.bulk_create(self.pending_tag_links, batch_size=500)
        Article.authors.through.objects.bulk_create(self.pending_author_links, batch_size=500)
        Revision.objects.bulk_create(self.pending_revisions, batch_size=500)
        self.index_articles(self.touched_articles)
        self.touched_articles.clear()
        self.pending_tag_links.clear()
        self.pending_author_links.clear()
        self.pending_revisions.clear()

    # -- shared by posts and pages -------------------------------------------------------------
    def _body(self, item: WxrItem) -> str:
        where = self.run.where(item)
        attachments = self.run.scan.attachments

        def children(post_id: str) -> list[Media]:
            return [attachments[i] for i in self.run.scan.children.get(post_id, [])
                    if i in attachments]

        return body_from_wordpress(
            item.content, post_id=item.post_id, attachment=attachments.get, children=children,
            warn=lambda message: self.run.summary.warn(where, message),
            finished_html=self.run.finished_html,
        )

    def _status(self, item: WxrItem, kind: str) -> str | None:
        if item.status in {"trash", "auto-draft", "inherit"}:
            return None
        reason = ("password-protected" if item.password
                  else "private" if item.status == "private" else "")
        if reason:
            # Masthead has no per-post passwords: a draft keeps the text private, and the
            # summary lists it so an editor decides what to do with it.
            title = plain_text(item.title, 80) or "(no title)"
            self.run.summary.made_drafts.append(
                f"{kind} {item.post_id} “{title}”: {reason} in WordPress")
            self.run.summary.warn(self.run.where(item),
                                  f"{reason} in WordPress: imported as a draft so its text "
                                  "stays private")
            return Article.Status.DRAFT
        return {
            "publish": Article.Status.PUBLISHED, "future": Article.Status.SCHEDULED,
            "pending": Article.Status.PENDING, "draft": Article.Status.DRAFT,
        }.get(item.status, Article.Status.DRAFT)

    # -- posts ---------------------------------------------------------------------------------
    def import_post(self, item: WxrItem) -> None:
        run, summary = self.run, self.run.summary
        status = self._status(item, "post")
        if status is None:
            summary.count("article", "skipped")
            return
        mapping = run.records.find(Kind.POST, item.post_id)
        digest = digest_of(item)
        article = None
        if mapping:
            article = Article.objects.filter(pk=mapping.object_id).first()
        if mapping and article and mapping.digest == digest:
            summary.count("article", "unchanged")
            run.comments.import_comments(item, article, is_new=False)
            return
        summary.count("article", "updated" if article else "created")
        fields = self._article_fields(item, status)
        section_pk, tag_pks, author_pk = self._article_terms(item)
        if run.dry_run:
            run.comments.import_comments(item, article, is_new=mapping is None)
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
            run.flush()
        run.records.remember(mapping, Kind.POST, item.post_id, article.pk, digest,
                             meta=postmeta.kept(item))
        own = article.get_absolute_url()
        run.records.old_address(item.link, LegacyURL.Target.ARTICLE, article.pk, own)
        for old_slug in postmeta.old_slugs(item.meta_all):
            if item.link and item.slug:
                run.records.old_address(item.link.replace(item.slug, old_slug),
                                        LegacyURL.Target.ARTICLE, article.pk, own)
        run.comments.import_comments(item, article, is_new=is_new and mapping is None)

    def _article_fields(self, item: WxrItem, status: str) -> dict:
        run = self.run
        published_at = run.aware(item.date, item.date_gmt)
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
        if run.language:
            fields["language"] = run.language
        fields.update(postmeta.article_fields(item.meta, run.where(item), run.summary.warn))
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail:
            media = run.scan.attachments.get(thumbnail)
            url = safe_url(media.url) if media else ""
            if url and len(url) <= 500:
                fields["featured_image_url"] = url
                fields["image_alt"] = media.alt[:300]
                fields["image_caption"] = media.caption[:300]
            else:
                run.summary.warn(run.where(item), f"featured image {thumbnail} is not in the "
                                                  "file or has no http(s) address")
        return fields

    def _article_terms(self, item: WxrItem):
        terms = self.run.terms
        categories = [(s, n) for tax, s, n in item.terms if tax == "category"]
        tags = [(s, n) for tax, s, n in item.terms if tax == "post_tag"]
        primary = postmeta.primary_category(item.meta)
        section_pk = None
        if categories:
            chosen = categories[0]
            # Yoast SEO's primary category, when set, names the one WordPress showed first.
            for slug, name in categories:
                if primary and terms.category_term_ids.get(slug or name) == primary:
                    chosen = (slug, name)
            section_pk = terms.section_for(*chosen)
            # Other categories have no place on a Masthead article (one section each); the
            # import record keeps them (postmeta.kept), so an export can write them back.
        tag_pks = [terms.tag_for(s, n) for s, n in tags]
        return section_pk, tag_pks, self.run.authors.author_for(item.creator)

    # -- pages ---------------------------------------------------------------------------------
    def import_page(self, item: WxrItem) -> None:
        run, summary = self.run, self.run.summary
        status = self._status(item, "page")
        if status is None:
            summary.count("page", "skipped")
            return
        mapping = run.records.find(Kind.PAGE, item.post_id)
        # A page's comments are part of the page here: they count in its digest.
        digest = digest_of(item, [dataclasses.replace(c, line=None) for c in item.comments])
        page = Page.objects.filter(pk=mapping.object_id).first() if mapping else None
        if mapping and page and mapping.digest == digest:
            summary.count("page", "unchanged")
            if item.comments:
                summary.count("comment (on a page)", "unchanged", len(item.comments))
            return
        summary.count("page", "updated" if page else "created")
        body = self._body(item)
        comments = page_comments(item.comments, lambda c: run.aware(c.date, c.date_gmt))
        if item.comments:
            summary.count("comment (on a page)", "updated" if page else "created",
                          len(item.comments))
            hidden = len(item.comments) - comments.shown
            if hidden:
                summary.warn(run.where(item), f"{hidden} held, spam or trashed comment(s) on "
                                              "this page are not shown; kept with its import "
                                              "record")
        if run.dry_run:
            return
        if comments.html:
            body = "\n".join(part for part in (
                body, markdown_safe_layout(newsroom_clean(comments.html))) if part)
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
        meta = postmeta.kept(item)
        if comments.kept:
            meta["comments"] = comments.kept
        run.records.remember(mapping, Kind.PAGE, item.post_id, page.pk, digest, meta=meta)
        run.records.old_address(item.link, LegacyURL.Target.PAGE, page.pk,
                                page.get_absolute_url())

    # -- attachments ---------------------------------------------------------------------------
    def import_attachment(self, item: WxrItem) -> None:
        run, summary = self.run, self.run.summary
        url = safe_url(item.attachment_url or item.guid)
        if not url:
            summary.count("attachment", "skipped")
            summary.warn(run.where(item), "attachment without an http(s) address")
            return
        existing = ImportedAttachment.objects.filter(site=run.records.site,
                                                     wp_id=item.post_id).first()
        fields = {
            "url": url[:1000], "title": plain_text(item.title, 300),
            "alt": plain_text(item.meta.get("_wp_attachment_image_alt", ""), 300),
            "caption": plain_text(item.excerpt), "parent_wp_id": item.parent[:40],
            "mime_type": postmeta.mime_type(url),
        }
        if existing and all(getattr(existing, k) == v for k, v in fields.items()):
            summary.count("attachment", "unchanged")
            return
        summary.count("attachment", "updated" if existing else "created")
        if run.dry_run:
            return
        if existing is None:
            ImportedAttachment.objects.create(site=run.records.site, wp_id=item.post_id,
                                              **fields)
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
