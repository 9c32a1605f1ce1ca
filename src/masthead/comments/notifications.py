"""E-mail to moderators and the article's authors when a comment waits for them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from masthead.jobs import job

from .models import Comment, DiscussionSettings, comment_admin_url

log = logging.getLogger(__name__)


def recipients(comment: Comment, discussion: DiscussionSettings) -> list[str]:
    addresses: list[str] = []
    if discussion.notify_moderators:
        configured = DiscussionSettings.lines(discussion.moderator_emails)
        if configured:
            addresses += configured
        else:
            addresses += list(
                get_user_model().objects.filter(is_superuser=True, is_active=True)
                .exclude(email="").values_list("email", flat=True)
            )
    if discussion.notify_authors:
        addresses += [
            a.user.email for a in comment.article.authors.select_related("user")
            if a.user_id and a.user.is_active and a.user.email
        ]
    seen, unique = set(), []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def notify_held(comment: Comment, discussion: DiscussionSettings) -> None:
    """Queue the moderation e-mail once the comment is committed: the reader never waits for
    the mail server, and a mail server that is down is tried again later (masthead.jobs)."""
    if recipients(comment, discussion):
        transaction.on_commit(lambda: send_held_notification.enqueue(comment.pk))


@job(max_attempts=5, retry_delay=60)
def send_held_notification(comment_id: int) -> None:
    """Send the e-mail for a comment still waiting for a moderator (a job; raises to retry)."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return  # deleted or moderated meanwhile: nobody needs asking any more
    to = recipients(comment, DiscussionSettings.current())
    if not to:
        return
    context = {
        "comment": comment, "article": comment.article,
        "admin_url": settings.BASE_URL + comment_admin_url(comment),
        "article_url": settings.BASE_URL + comment.article.get_absolute_url(),
    }
    subject = f"Please moderate: “{comment.article.title}”"[:200]
    body = render_to_string("comments/email/held.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    log.info("sent the moderation e-mail for comment %s to %d address(es)", comment_id, len(to))
