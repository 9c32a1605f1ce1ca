"""Import the comments of one WordPress post: threading, author data, status and dates.

Comments are written with bulk_create, parents before their replies, so 50,000 comments take
seconds, and without the comment signals: an imported comment was already moderated in WordPress
and must not be scored again or announced to moderators as new.
"""

import hashlib
import json
from dataclasses import asdict

from django.utils import timezone

from masthead.comments.models import ArticleDiscussion, Comment
from masthead.comments.rendering import render_comment_html

from .content import plain_text
from .models import WordPressObject
from .wxr import WxrComment, WxrItem

Kind = WordPressObject.Kind
STATUSES = {
    "1": Comment.Status.APPROVED, "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING, "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH, "post-trashed": Comment.Status.TRASH,
}


def _digest(comment: WxrComment) -> str:
    data = asdict(comment)
    data.pop("line", None)
    return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


def threaded_order(comments: list[WxrComment]) -> list[WxrComment]:
    """Parents before their replies (WordPress usually, but not always, writes them so)."""
    by_id = {c.wp_id: c for c in comments}
    depth_cache: dict[str, int] = {}

    def depth(c: WxrComment) -> int:
        seen = set()
        d, current = 0, c
        while current.parent in by_id and current.parent != current.wp_id:
            if current.wp_id in seen:
                break  # a cycle in bad data: stop counting
            seen.add(current.wp_id)
            if current.parent in depth_cache:
                d += depth_cache[current.parent] + 1
                break
            d += 1
            current = by_id[current.parent]
        depth_cache[c.wp_id] = d
        return d

    return sorted(comments, key=depth)


class CommentImporter:
    def __init__(self, run):
        self.run = run  # the WxrImporter: its summary, site, dry-run flag and date rules
        self.trainer = None

    @classmethod
    def for_run(cls, run) -> "CommentImporter":
        return cls(run)

    def import_comments(self, item: WxrItem, article) -> None:
        self._discussion(item, article)
        if not item.comments:
            return
        run = self.run
        summary = run.summary
        ids = [c.wp_id for c in item.comments]
        known = {
            m.wp_id: m for m in WordPressObject.objects.filter(
                site=run.site, kind=Kind.COMMENT, wp_id__in=ids)
        } if article is not None else {}
        existing = {
            c.pk: c for c in Comment.objects.filter(pk__in=[m.object_id for m in known.values()])
        } if known else {}
        pk_by_wp_id = {wp_id: m.object_id for wp_id, m in known.items()
                       if m.object_id in existing}
        # One level of the thread at a time, so each reply can point at its parent's new row.
        levels: list[list[WxrComment]] = []
        placed: dict[str, int] = {}
        for comment in threaded_order(item.comments):
            level = placed.get(comment.parent, -1) + 1 if comment.parent in placed else 0
            placed[comment.wp_id] = level
            while len(levels) <= level:
                levels.append([])
            levels[level].append(comment)
        new_mappings, changed_mappings = [], []
        for level in levels:
            to_create, to_update, created_refs = [], [], []
            for wxr in level:
                if not wxr.wp_id:
                    summary.count("comment", "skipped")
                    summary.warn(run._where(item), f"line {wxr.line}: a comment with no id")
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
                self._fill(comment, wxr, item, pk_by_wp_id)
                if current is None:
                    to_create.append(comment)
                    created_refs.append((wxr.wp_id, digest, mapping))
                else:
                    to_update.append(comment)
                    mapping.digest = digest
                    changed_mappings.append(mapping)
            if to_create:
                Comment.objects.bulk_create(to_create, batch_size=500)
                for comment, (wp_id, digest, mapping) in zip(to_create, created_refs):
                    pk_by_wp_id[wp_id] = comment.pk
                    if mapping is None:
                        new_mappings.append(WordPressObject(
                            site=run.site, kind=Kind.COMMENT, wp_id=wp_id, object_id=comment.pk,
                            digest=digest))
                    else:  # remembered, but the comment was deleted since: made anew
                        mapping.object_id, mapping.digest = comment.pk, digest
                        changed_mappings.append(mapping)
            if to_update:
                Comment.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=500)
            if self.trainer is not None:
                self.trainer.add(to_create + to_update)
        if new_mappings:
            WordPressObject.objects.bulk_create(new_mappings, batch_size=500)
        if changed_mappings:
            WordPressObject.objects.bulk_update(changed_mappings, ["object_id", "digest"])

    def _fill(self, comment: Comment, wxr: WxrComment, item: WxrItem, pk_by_wp_id: dict) -> None:
        run = self.run
        comment.parent_id = pk_by_wp_id.get(wxr.parent) if wxr.parent not in {"", "0"} else None
        if wxr.parent not in {"", "0"} and comment.parent_id is None:
            run.summary.warn(run._where(item), f"line {wxr.line}: comment {wxr.wp_id} replies "
                                               f"to {wxr.parent}, which is not in the file; "
                                               "imported as a top-level comment")
        comment.author = plain_text(wxr.author, 245) or "Anonymous"
        comment.author_email = wxr.author_email[:254]
        comment.author_url = wxr.author_url[:500]
        comment.author_ip = wxr.author_ip[:45]
        comment.agent = wxr.meta.get("agent", "")[:500] or comment.agent or ""
        comment.user_id = run.users_by_wp_id.get(wxr.user_id)
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
        comment.created_at = run._aware(wxr.date, wxr.date_gmt) or timezone.now()
        comment.import_ref = f"wxr:{run.site}:{wxr.wp_id}"[:200]

    def _discussion(self, item: WxrItem, article) -> None:
        """WordPress's per-post "allow comments" switch."""
        if article is None or self.run.dry_run:
            return
        is_open = item.comment_status == "open"
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
