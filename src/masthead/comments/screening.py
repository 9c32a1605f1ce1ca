"""What the spam defence is told about a new comment, and what its verdict does to it."""

from datetime import timedelta

from django.core import signing
from django.db import connection
from django.utils import timezone

from masthead.antispam import akismet_signal, service
from masthead.antispam.decision import Verdict
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


# One hand-written query for everything the signals need: the ORM's query building costs more
# than the query itself, and this runs for every comment.
HISTORY_SQL = """
SELECT
  COALESCE(SUM(CASE WHEN author_email = %(email)s AND status = 'approved' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN author_email = %(email)s AND status = 'spam' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN author_ip = %(ip)s AND created_at >= %(recent)s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN author_email = %(email)s AND created_at >= %(recent)s
                    THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN text = %(text)s AND created_at >= %(duplicate)s THEN 1 ELSE 0 END), 0)
FROM {table}
WHERE author_email = %(email)s OR author_ip = %(ip)s
   OR (created_at >= %(duplicate)s AND text = %(text)s)
"""


NOTHING = " unknown "  # no stored address or IP has spaces (and PostgreSQL refuses NUL bytes)


def history_for(email: str, ip: str, text: str) -> History:
    """What the site knows about the sender. `email` is compared as stored: lower-case."""
    now = timezone.now()
    params = {
        # An unknown e-mail or IP must match nothing, not every row with an empty field.
        "email": email or NOTHING, "ip": ip or NOTHING, "text": text,
        "recent": now - RECENT, "duplicate": now - DUPLICATE_WINDOW,
    }
    with connection.cursor() as cursor:
        cursor.execute(HISTORY_SQL.format(table=Comment._meta.db_table), params)
        approved, spam, from_ip, from_email, duplicates = cursor.fetchone()
    return History(
        approved_before=approved if email else None,
        spam_before=spam if email else None,
        recent_from_ip=from_ip if ip else None,
        recent_from_email=from_email if email else None,
        duplicate_of_recent=duplicates > 0,
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


def screen(comment: Comment, discussion: DiscussionSettings, *, honeypot: str | None,
           seconds_to_submit: float | None, timestamp_missing: bool,
           user_agent: str | None) -> Verdict | None:
    """Ask the spam defence about `comment` (not yet saved) and set its status and reasons.

    `honeypot` and `user_agent` are None when unknown (imported or benchmark data), which keeps
    their signals silent; an empty string is a real observation. Returns the verdict (None when
    the filter is off)."""
    mode = discussion.spam_filter
    if mode == DiscussionSettings.SpamFilter.OFF:
        comment.status = Comment.Status.PENDING
        comment.spam_reasons = [{"signal": "filter off", "detail": "the spam filter is off; "
                                 "every comment waits for a moderator", "weight": 0.0}]
        return None
    submission = Submission(
        text=comment.text, author=comment.author, email=comment.author_email,
        url=comment.author_url, ip=comment.author_ip or None, user_agent=user_agent,
        honeypot=honeypot, seconds_to_submit=seconds_to_submit,
        timestamp_missing=timestamp_missing,
    )
    history = history_for(comment.author_email, comment.author_ip, comment.text)
    permalink = comment.article.get_absolute_url() if akismet_signal.enabled() else ""
    verdict = service.assess(submission, history, rules_from(discussion), permalink=permalink)
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
    return verdict
