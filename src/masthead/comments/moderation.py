"""Moderators' decisions, and what they teach the spam defence.

Marking a comment Spam teaches the model "spam"; Not spam, or approving a comment the filter had
held, teaches "ham" (Akismet's submit-spam / submit-ham). Each comment teaches each label at most
once, and a whole bulk action is one learning step, saved as one new model version.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from masthead.antispam import store

from .models import Comment, DiscussionSettings

log = logging.getLogger(__name__)

SPAM, HAM = "spam", "ham"


class Action:
    APPROVE = "approve"
    UNAPPROVE = "unapprove"
    SPAM = "spam"
    NOT_SPAM = "not_spam"
    TRASH = "trash"
    RESTORE = "restore"


def _target_status(comment: Comment, action: str) -> str | None:
    S = Comment.Status
    if action == Action.APPROVE:
        return S.APPROVED
    if action == Action.UNAPPROVE:
        return S.PENDING
    if action == Action.SPAM:
        return S.SPAM
    if action == Action.NOT_SPAM:
        return S.APPROVED if comment.status == S.SPAM else None
    if action == Action.TRASH:
        return S.TRASH
    if action == Action.RESTORE:
        if comment.status != S.TRASH:
            return None
        return comment.status_before_trash or S.PENDING
    raise ValueError(f"unknown moderation action {action!r}")


def _lesson(comment: Comment, action: str) -> str | None:
    if action == Action.SPAM and comment.trained_as != SPAM:
        return SPAM
    if action == Action.NOT_SPAM and comment.status == Comment.Status.SPAM:
        return HAM if comment.trained_as != HAM else None
    filter_doubted = comment.spam_verdict in {"hold", "spam"}
    if action == Action.APPROVE and filter_doubted and not comment.trained_as:
        return HAM
    return None


def moderate(comments, action: str) -> tuple[int, str]:
    """Apply `action` to `comments`; returns (how many changed, a note about learning)."""
    changed, lessons = [], []
    for comment in comments:
        target = _target_status(comment, action)
        if target is None or target == comment.status:
            continue
        lesson = _lesson(comment, action)
        if lesson:
            lessons.append((comment, lesson))
        comment.set_status(target)
        changed.append(comment)
    note = ""
    with transaction.atomic():
        for comment in changed:
            comment.save(update_fields=["status", "status_changed_at", "status_before_trash"])
        if lessons:
            note = _teach(lessons)
    return len(changed), note


def _teach(lessons: list[tuple[Comment, str]]) -> str:
    texts = [c.text for c, _ in lessons]
    labels = [1 if label == SPAM else 0 for _, label in lessons]
    try:
        row = store.teach(texts, labels, note=f"{len(lessons)} moderator decision(s)")
    except Exception as exc:  # learning is a bonus: the moderation itself must go through
        log.exception("could not teach the spam model")
        return f"The spam filter could not learn from this ({type(exc).__name__})."
    for comment, label in lessons:
        comment.trained_as = label
        comment.save(update_fields=["trained_as"])
    return f"The spam filter learned from {len(lessons)} comment(s) (model v{row.version})."


def purge_expired(now=None) -> int:
    """Delete Spam and Trash older than the retention period. Returns how many went."""
    now = now or timezone.now()
    days = DiscussionSettings.current().retention_days
    expired = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.TRASH],
        status_changed_at__lt=now - timedelta(days=days),
    )
    deleted, _ = expired.delete()
    return deleted
