"""Import WordPress comments: threading, author data, status and dates.

Comments are written with bulk_create, many posts' at a time, so 50,000 comments take seconds,
and without the comment signals: an imported comment was already moderated in WordPress and must
not be scored again or announced to moderators as new.
"""

import dataclasses
import hashlib
from dataclasses import dataclass

from django.utils import timezone

from masthead.comments.models import ArticleDiscussion, Comment
from masthead.comments.rendering import render_comment_html
from masthead.site.safe_urls import safe_url

from .content import plain_text
from .models import WordPressObject
from .wxr import WxrComment, WxrItem

Kind = WordPressObject.Kind
FLUSH_EVERY = 2000  # comments held before a batch is written
STATUSES = {
    "1": Comment.Status.APPROVED, "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING, "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH, "post-trashed": Comment.Status.TRASH,
}


def _digest(comment: WxrComment) -> str:
    return hashlib.sha256(repr(dataclasses.replace(comment, line=None)).encode()).hexdigest()


def import_ref(run, comment: WxrComment) -> str:
    return f"wxr:{run.site}:{comment.wp_id}"[:200]


@dataclass
class _Pending:
    comment: Comment
    wxr: WxrComment
    digest: str
    mapping: WordPressObject | None
    where: str


class CommentImporter:
    """Collects the comments of many posts and writes them in batches: one insert for all new
    comments of the batch, one update to link replies to their parents, one insert for the
    import records. Parents are found by (article, WordPress id), so a reply may point at a
    comment written in the same batch, an earlier one, or an earlier import."""

    def __init__(self, run, remember: bool = False):
        self.run = run  # the WxrImporter: its summary, site, dry-run flag and date rules
        self.remember = remember
        self.written_ids: list[int] = []  # with `remember`: made or changed, for --train-spam
        self.created: list[_Pending] = []
        self.updated: list[_Pending] = []
        self.pk_by_key: dict[tuple[int, str], int] = {}  # (article pk, WordPress id) -> pk

    def import_comments(self, item: WxrItem, article, *, is_new: bool) -> None:
        """`is_new`: the article was just made for a post never imported before, so none of
        its comments can be known yet (one query saved per post on a first import)."""
        self._discussion(item, article, is_new)
        if not item.comments:
            return
        run = self.run
        summary = run.summary
        known, existing = {}, {}
        if article is not None and not is_new:
            known = {m.wp_id: m for m in WordPressObject.objects.filter(
                site=run.site, kind=Kind.COMMENT, wp_id__in=[c.wp_id for c in item.comments])}
            if known:
                existing = {c.pk: c for c in Comment.objects.filter(
                    pk__in=[m.object_id for m in known.values()])}
            for wp_id, mapping in known.items():
                if mapping.object_id in existing:
                    self.pk_by_key[(article.pk, wp_id)] = mapping.object_id
        where = run.where(item)
        for wxr in item.comments:
            if not wxr.wp_id:
                summary.count("comment", "skipped")
                summary.warn(where, f"line {wxr.line}: a comment with no id")
                continue
            digest = _digest(wxr)
            mapping = known.get(wxr.wp_id)
            current = existing.get(mapping.object_id) if mapping else None
            if current is not None and mapping.digest == digest:
                summary.count("comment", "unchanged")
                continue
            summary.count("comment", "updated" if current else "created")
            if run.dry_run:
                continue
            comment = current or Comment(article=article)
            self._fill(comment, wxr, where)
            (self.updated if current else self.created).append(
                _Pending(comment, wxr, digest, mapping, where))
        if len(self.created) + len(self.updated) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write what has been collected. The importer calls it once more at the end."""
        created, updated = self.created, self.updated
        self.created, self.updated = [], []
        Comment.objects.bulk_create([p.comment for p in created], batch_size=500)
        for p in created:
            self.pk_by_key[(p.comment.article_id, p.wxr.wp_id)] = p.comment.pk
        replies = []
        for p in created:
            p.comment.parent_id = self._parent_pk(p)
            if p.comment.parent_id:
                replies.append(p.comment)
        for p in updated:  # written with the other fields below
            p.comment.parent_id = self._parent_pk(p)
        if replies:
            Comment.objects.bulk_update(replies, ["parent"], batch_size=500)
        if updated:
            Comment.objects.bulk_update([p.comment for p in updated], UPDATED_FIELDS,
                                        batch_size=500)
        new_mappings, changed_mappings = [], []
        for p in created:
            if p.mapping is None:
                new_mappings.append(WordPressObject(
                    site=self.run.site, kind=Kind.COMMENT, wp_id=p.wxr.wp_id,
                    object_id=p.comment.pk, digest=p.digest))
            else:  # remembered, but the comment was deleted since: made anew
                p.mapping.object_id, p.mapping.digest = p.comment.pk, p.digest
                changed_mappings.append(p.mapping)
        for p in updated:
            p.mapping.digest = p.digest
            changed_mappings.append(p.mapping)
        WordPressObject.objects.bulk_create(new_mappings, batch_size=500)
        if changed_mappings:
            WordPressObject.objects.bulk_update(changed_mappings, ["object_id", "digest"],
                                                batch_size=500)
        if self.remember:
            self.written_ids += [p.comment.pk for p in created + updated]
        # Parents of later comments are always in the same post: only this batch's posts'
        # entries could still be needed, and a post's comments never span two batches.
        self.pk_by_key.clear()

    def _parent_pk(self, p: _Pending) -> int | None:
        if p.wxr.parent in {"", "0"}:
            return None
        parent = self.pk_by_key.get((p.comment.article_id, p.wxr.parent))
        if parent is None:
            self.run.summary.warn(p.where, f"line {p.wxr.line}: comment {p.wxr.wp_id} replies "
                                           f"to {p.wxr.parent}, which is not in the file; "
                                           "imported as a top-level comment")
        return parent

    def _fill(self, comment: Comment, wxr: WxrComment, where: str) -> None:
        run = self.run
        comment.author = plain_text(wxr.author, 245) or "Anonymous"
        # bulk_create skips Comment.save(), which stores addresses lower-case for look-ups.
        comment.author_email = wxr.author_email.strip().lower()[:254]
        # The comment form's rule, through the site's one URL check: a javascript: (or data:,
        # vbscript:, entity-encoded, white-space-obfuscated ...) website is dropped.
        url = safe_url(wxr.author_url)
        if wxr.author_url.strip() and (not url or len(url) > 500):
            run.summary.warn(where, f"line {wxr.line}: comment {wxr.wp_id}'s author website "
                                    "is not an http(s) address; left out")
            url = ""
        comment.author_url = url
        comment.author_ip = wxr.author_ip[:45]
        comment.agent = wxr.meta.get("agent", "")[:500] or comment.agent or ""
        comment.user_id = run.authors.users_by_wp_id.get(wxr.user_id)
        comment.text = wxr.content
        comment.text_format = Comment.Format.HTML
        # What Comment.save() would do; bulk_create does not call it.
        comment.text_html = render_comment_html(wxr.content, is_html=True)
        new_status = STATUSES.get(wxr.approved.lower(), Comment.Status.PENDING)
        if comment.pk is None:
            comment.status = new_status
            comment.status_changed_at = timezone.now()
        else:
            comment.set_status(new_status)
        comment.created_at = run.aware(wxr.date, wxr.date_gmt) or timezone.now()
        comment.import_ref = import_ref(run, wxr)

    def _discussion(self, item: WxrItem, article, is_new: bool) -> None:
        """WordPress's per-post "allow comments" switch."""
        if article is None or self.run.dry_run:
            return
        is_open = item.comment_status == "open"
        if is_open and is_new:
            return  # no row means the site's defaults: open
        if is_open:
            ArticleDiscussion.objects.filter(article=article).update(comments_open=True)
        else:
            ArticleDiscussion.objects.update_or_create(article=article,
                                                       defaults={"comments_open": False})


UPDATED_FIELDS = [
    "parent", "author", "author_email", "author_url", "author_ip", "agent", "user", "text",
    "text_format", "text_html", "status", "status_changed_at", "status_before_trash",
    "created_at", "import_ref",
]
