"""What the spam defence is told about a new comment, and what its verdict does to it."""

from datetime import timedelta

from django.core import signing
from django.db.models import Count, Q
from django.utils import timezone

from masthead.antispam import service
from masthead.antispam.signals import History, Rules, Submission

from .models import Comment, DiscussionSettings

FORM_TIMESTAMP_SALT = "masthead.comments.form-opened"
RECENT = timedelta(hours=1)
DUPLICATE_WINDOW = timedelta(days=7)


def sign_form_opened() -> str:
    return signing.TimestampSigner(salt=FORM_TIMESTAMP_SALT).sign(
        str(int(timezone.now().timestamp()))
    )


def seconds_since_form_opened(value: str) -> float | None:
    """Seconds since /comments/token/ signed `value`; None when missing or forged."""
    if not value:
        return None
    try:
        opened = int(signing.TimestampSigner(salt=FORM_TIMESTAMP_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return None
    return max(0.0, timezone.now().timestamp() - opened)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
    return request.META.get("REMOTE_ADDR", "")[:45]


def history_for(email: str, ip: str, text: str) -> History:
    since = timezone.now() - RECENT
    by_email = Q(author_email__iexact=email) if email else Q(pk__in=[])
    counts = Comment.objects.aggregate(
        approved=Count("pk", filter=by_email & Q(status=Comment.Status.APPROVED)),
        spam=Count("pk", filter=by_email & Q(status=Comment.Status.SPAM)),
        from_ip=Count("pk", filter=Q(author_ip=ip, created_at__gte=since) if ip else Q(pk__in=[])),
        from_email=Count("pk", filter=by_email & Q(created_at__gte=since)),
    )
    duplicate = Comment.objects.filter(
        text=text, created_at__gte=timezone.now() - DUPLICATE_WINDOW
    ).exists()
    return History(
        approved_before=counts["approved"] if email else None,
        spam_before=counts["spam"] if email else None,
        recent_from_ip=counts["from_ip"] if ip else None,
        recent_from_email=counts["from_email"] if email else None,
        duplicate_of_recent=duplicate,
    )


def rules_from(discussion: DiscussionSettings) -> Rules:
    return Rules(
        max_links=discussion.max_links,
        hold_first_time=discussion.hold_first_time,
        moderation_keys=DiscussionSettings.lines(discussion.moderation_keys),
        disallowed_keys=DiscussionSettings.lines(discussion.disallowed_keys),
    )


STATUS_FOR_ACTION = {
    "approve": Comment.Status.APPROVED, "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
}


def screen(comment: Comment, discussion: DiscussionSettings, *, honeypot: str,
           seconds_to_submit: float | None, timestamp_missing: bool) -> None:
    """Ask the spam defence about `comment` (not yet saved) and set its status and reasons."""
    mode = discussion.spam_filter
    if mode == DiscussionSettings.SpamFilter.OFF:
        comment.status = Comment.Status.PENDING
        comment.spam_reasons = [{"signal": "filter off", "detail": "the spam filter is off; "
                                 "every comment waits for a moderator", "weight": 0.0}]
        return
    submission = Submission(
        text=comment.text, author=comment.author, email=comment.author_email,
        url=comment.author_url, ip=comment.author_ip or None, user_agent=comment.agent,
        honeypot=honeypot, seconds_to_submit=seconds_to_submit,
        timestamp_missing=timestamp_missing,
    )
    history = history_for(comment.author_email, comment.author_ip, comment.text)
    verdict = service.assess(submission, history, rules_from(discussion),
                             permalink=comment.article.get_absolute_url())
    comment.spam_verdict = verdict.action
    comment.spam_score = verdict.score
    comment.spam_reasons = verdict.reasons
    if mode == DiscussionSettings.SpamFilter.TRIAL:
        comment.status = Comment.Status.PENDING
        comment.spam_reasons = [*verdict.reasons, {
            "signal": "trial mode",
            "detail": f"the filter would have decided “{verdict.action}”; held for a moderator",
            "weight": 0.0,
        }]
    else:
        comment.status = STATUS_FOR_ACTION[verdict.action]
