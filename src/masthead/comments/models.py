"""Comments on articles, the per-article discussion switch, and the site's discussion settings.

The comment row keeps WordPress's shape (author, author_email, author_url, author_ip, agent,
created_at, status, parent) so imports from WXR files map one field to one field, and so readers'
data can be found by e-mail address for export or erasure.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from masthead.changes import AnnouncingQuerySet
from masthead.newsroom.models import Article, SingletonSettings
from masthead.site.safe_urls import safe_url

from .rendering import render_comment_html

MAX_COMMENT_LENGTH = 10_000


class CommentQuerySet(AnnouncingQuerySet):
    def announcement(self) -> dict:
        """Readers see approved comments only: their articles are what a write here changes."""
        return {"comments": list(self.approved().values_list("article_id", flat=True).distinct())}

    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def awaiting_moderation(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    class Format(models.TextChoices):
        PLAIN = "plain", "Plain text"  # what the form posts
        HTML = "html", "HTML"  # imported from WordPress: cleaned with nh3 when rendered

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies",
        help_text="The comment this one replies to.",
    )
    author = models.CharField("name", max_length=245)
    author_email = models.EmailField("email", max_length=254, blank=True)
    author_url = models.URLField("website", max_length=500, blank=True)
    # Plain strings, not GenericIPAddressField: imported data holds whatever WordPress stored.
    author_ip = models.CharField("IP address", max_length=45, blank=True)
    agent = models.CharField("user agent", max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments", help_text="Set when a signed-in member of staff wrote it.",
    )
    text = models.TextField("comment")
    text_format = models.CharField(max_length=5, choices=Format.choices, default=Format.PLAIN)
    text_html = models.TextField(editable=False, default="")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # Retention counts from when a comment went to Spam or Trash, not from when it was written.
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    status_before_trash = models.CharField(max_length=10, blank=True, editable=False)

    # What the spam defence said: its decision (approve/hold/spam; in trial mode what it would
    # have done), a score between 0 and 1, and the signals that fired.
    spam_verdict = models.CharField(max_length=10, blank=True, editable=False)
    spam_score = models.FloatField(null=True, blank=True, editable=False)
    spam_reasons = models.JSONField(default=list, blank=True, editable=False)
    # The label the learned model was last taught with this comment ("spam"/"ham"), so marking
    # the same comment twice does not teach the model twice.
    trained_as = models.CharField(max_length=4, blank=True, editable=False)

    # Where an imported comment came from (e.g. "wxr:example.org:123"): re-imports are idempotent.
    import_ref = models.CharField(max_length=200, blank=True, db_index=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["author_email"]),
            models.Index(fields=["author_ip", "created_at"]),
            models.Index(fields=["created_at"]),
        ]
        permissions = [("moderate_comment", "Can moderate comments")]

    def __str__(self):
        return f"{self.author or 'Anonymous'} on {self.article}"

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A comment cannot reply to itself."})
            if self.parent.article_id != self.article_id:
                raise ValidationError({"parent": "A reply must be on the same article."})
        if self.author_url and not safe_url(self.author_url):
            raise ValidationError({"author_url": "Only http:// and https:// addresses can be "
                                                 "used here."})

    def save(self, *args, **kwargs):
        self.agent = (self.agent or "")[:500]
        # Stored lower-case so look-ups by address (history, privacy requests) use the index.
        self.author_email = (self.author_email or "").strip().lower()
        # Whatever path it came by, an address a browser could run is not kept.
        self.author_url = safe_url(self.author_url)
        is_html = self.text_format == self.Format.HTML
        self.text_html = render_comment_html(self.text, is_html=is_html)
        super().save(*args, **kwargs)

    def set_status(self, status: str) -> None:
        """Move to `status`, remembering where a trashed comment came from (for Restore)."""
        if status == self.status:
            return
        if status == self.Status.TRASH:
            self.status_before_trash = self.status
        self.status = status
        self.status_changed_at = timezone.now()

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"


class ArticleDiscussion(models.Model):
    """Per-article discussion state. No row means the site's defaults apply."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="discussion"
    )
    comments_open = models.BooleanField(default=True)

    class Meta:
        verbose_name = "article discussion"

    def __str__(self):
        return f"Discussion on {self.article}"


def _validate_lines(value: str) -> None:
    if len(value) > 100_000:
        raise ValidationError("Keep this list under 100,000 characters.")


class DiscussionSettings(SingletonSettings):
    """The one row of discussion settings, as WordPress's Settings › Discussion has them."""

    class SpamFilter(models.TextChoices):
        ON = "on", "On: the filter decides"
        TRIAL = "trial", "Trial: record what the filter would do, but hold everything for review"
        OFF = "off", "Off: hold every comment for review"

    comments_enabled = models.BooleanField(
        "allow comments", default=True,
        help_text="Turn off to close comments on every article.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments on articles older than (days)", default=0,
        help_text="0 keeps comments open for ever.",
    )
    thread_depth = models.PositiveSmallIntegerField(
        "threaded comments levels deep", default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    require_name_email = models.BooleanField(
        "comment author must fill out name and email", default=True,
    )
    flood_seconds = models.PositiveIntegerField(
        "seconds between comments from one IP", default=15,
        help_text="A faster second comment is refused with a message. 0 turns this off.",
    )
    max_links = models.PositiveSmallIntegerField(
        "hold a comment with more than this many links", default=2,
    )
    hold_first_time = models.BooleanField(
        "hold first-time commenters", default=False,
        help_text="Hold a comment unless its author has a previously approved comment.",
    )
    moderation_keys = models.TextField(
        "comment moderation words", blank=True, validators=[_validate_lines],
        help_text="One word, IP address or e-mail address a line. A comment containing one of "
        "them in its text, name, website, e-mail or IP address is held for review.",
    )
    disallowed_keys = models.TextField(
        "disallowed comment keys", blank=True, validators=[_validate_lines],
        help_text="One word, IP address or e-mail address a line. A comment matching one goes "
        "straight to Spam.",
    )
    notify_moderators = models.BooleanField(
        "e-mail moderators when a comment is held", default=True,
    )
    moderator_emails = models.TextField(
        blank=True, validators=[_validate_lines],
        help_text="One address a line. Empty: every active superuser with an e-mail address.",
    )
    notify_authors = models.BooleanField(
        "e-mail the article's authors when a comment on it is held", default=True,
    )
    retention_days = models.PositiveIntegerField(
        "empty Spam and Trash after (days)", default=30, validators=[MinValueValidator(1)],
    )
    spam_filter = models.CharField(
        "spam filter", max_length=5, choices=SpamFilter.choices, default=SpamFilter.ON,
    )
    privacy_policy_url = models.CharField(
        max_length=300, default="/privacy-policy/#comments",
        help_text="Where “Learn how your comment data is processed” points.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    def closes_at(self, article: Article):
        """When comments on `article` close automatically, or None."""
        if not self.close_after_days or not article.published_at:
            return None
        return article.published_at + timedelta(days=self.close_after_days)

    def comments_open_for(self, article: Article, discussion: ArticleDiscussion | None) -> bool:
        if not self.comments_enabled or not article.is_live:
            return False
        if discussion is not None and not discussion.comments_open:
            return False
        closes = self.closes_at(article)
        return closes is None or timezone.now() < closes

    @staticmethod
    def lines(value: str) -> list[str]:
        return [line.strip().lower() for line in value.splitlines() if line.strip()]


def comment_admin_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


class ArticleComments(Article):
    """Articles as the comment moderator sees them (the admin's per-article list)."""

    class Meta:
        proxy = True
        verbose_name = "comments by article"
        verbose_name_plural = "comments by article"
