"""E-mail to moderators and the article's authors when a comment waits for them."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

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
    """Send after the transaction commits, and never let a mail error reach the reader."""
    to = recipients(comment, discussion)
    if not to:
        return
    context = {
        "comment": comment, "article": comment.article,
        "admin_url": settings.BASE_URL + comment_admin_url(comment),
        "article_url": settings.BASE_URL + comment.article.get_absolute_url(),
    }
    subject = f"Please moderate: “{comment.article.title}”"[:200]
    body = render_to_string("comments/email/held.txt", context)

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        except Exception:
            log.exception("could not send the moderation e-mail for comment %s", comment.pk)

    transaction.on_commit(send)
