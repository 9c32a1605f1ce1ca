"""Consent: the site's settings for it, the cookie categories, the third-party snippets it gates,
the log of readers' choices, and the audit trail of privacy requests."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import inert

DEFAULT_OPT_IN_TEXT = (
    "We use cookies the site needs to work. With your permission we would also like to use "
    "cookies for preferences, analytics and marketing. Nothing beyond the necessary runs until "
    "you accept; you can change your mind at any time."
)
DEFAULT_NOTICE_TEXT = (
    "This website uses cookies to improve your experience. We'll assume you're ok with this, "
    "but you can opt-out if you wish."
)


class Mode(models.TextChoices):
    OPT_IN = "opt_in", "Opt-in: only necessary cookies until the reader accepts (the EU rule)"
    NOTICE_ONLY = "notice_only", "Notice only: everything runs unless the reader opts out"


class ConsentSettings(models.Model):
    """The one row of consent settings. Until an administrator saves it, the defaults come from
    the MASTHEAD_CONSENT_* settings (environment variables)."""

    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.OPT_IN)
    banner_text = models.TextField(
        blank=True, help_text="What the banner says. Empty: a wording that fits the mode.",
    )
    policy_version = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)],
        help_text="Raise it when the policy changes in a way readers must agree to again: "
        "every reader is then asked again.",
    )
    google_consent_mode = models.BooleanField(
        "Google Consent Mode v2", default=False,
        help_text="Send Google tags the consent signals (denied by default, updated on the "
        "reader's choice). Turn on when a snippet uses gtag.js or Google Tag Manager.",
    )
    choice_max_age_days = models.PositiveIntegerField(
        "ask again after (days)", default=180, validators=[MinValueValidator(1)],
        help_text="How long a reader's choice is kept in their browser before they are asked "
        "again.",
    )
    log_retention_days = models.PositiveIntegerField(
        "keep the consent log for (days)", default=395, validators=[MinValueValidator(1)],
    )
    comment_ip_retention_days = models.PositiveIntegerField(
        "keep commenters' IP addresses for (days)", default=30, validators=[MinValueValidator(1)],
    )
    policy_page_slug = models.SlugField(
        "policy page", default="privacy-policy",
        help_text="The slug of the Privacy & Cookies Policy page the banner's “Read More” opens.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "consent settings"

    def __str__(self):
        return "Consent settings"

    @classmethod
    def defaults(cls) -> "ConsentSettings":
        """An unsaved row holding the environment's defaults."""
        conf = settings.MASTHEAD_CONSENT
        mode = conf["MODE"] if conf["MODE"] in Mode.values else Mode.OPT_IN
        return cls(
            mode=mode, policy_version=max(1, conf["POLICY_VERSION"]),
            google_consent_mode=conf["GOOGLE_CONSENT_MODE"],
            choice_max_age_days=max(1, conf["CHOICE_MAX_AGE_DAYS"]),
            log_retention_days=max(1, conf["LOG_RETENTION_DAYS"]),
            comment_ip_retention_days=max(1, conf["COMMENT_IP_RETENTION_DAYS"]),
        )

    @classmethod
    def current(cls) -> "ConsentSettings":
        """The saved row, or the defaults; never writes (public pages only read)."""
        return cls.objects.order_by("pk").first() or cls.defaults()

    @property
    def text(self) -> str:
        if self.banner_text.strip():
            return self.banner_text.strip()
        return DEFAULT_NOTICE_TEXT if self.mode == Mode.NOTICE_ONLY else DEFAULT_OPT_IN_TEXT

    @property
    def is_notice_only(self) -> bool:
        return self.mode == Mode.NOTICE_ONLY


category_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,29}$",
    "Lower-case letters, digits and underscores, starting with a letter (at most 30).",
)


class Category(models.Model):
    """A purpose readers consent to separately: Necessary, Preferences, Analytics, Marketing, ..."""

    key = models.CharField(
        max_length=30, unique=True, validators=[category_key_validator],
        help_text="Stored in readers' consent cookies: changing it asks everyone again.",
    )
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    necessary = models.BooleanField(
        default=False, editable=False,
        help_text="Strictly necessary: always on, cannot be refused.",
    )
    refused_by_gpc = models.BooleanField(
        "refused by Global Privacy Control", default=True,
        help_text="A browser sending the GPC signal counts as refusing this category.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.necessary:
            stored = Category.objects.filter(pk=self.pk).values_list("key", flat=True).first()
            if stored and stored != self.key:
                raise ValidationError({"key": "The necessary category's key cannot change."})


class Placement(models.TextChoices):
    HEAD = "head", "Head: scripts, styles and tags that belong in <head>"
    BODY = "body", "Body: at the end of the page, where embeds show"


class Snippet(models.Model):
    """A third-party snippet (an analytics tag, an embed, an ad script) that runs only after the
    reader consents to its category."""

    name = models.CharField(max_length=100)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="snippets",
        limit_choices_to={"necessary": False},
        help_text="Its scripts and embeds stay inert until the reader allows this category.",
    )
    code = models.TextField(
        "HTML code", help_text="Paste the code the provider gives you, as it is.",
    )
    placement = models.CharField(max_length=4, choices=Placement.choices, default=Placement.HEAD)
    enabled = models.BooleanField(default=True)
    provider = models.CharField(
        max_length=100, blank=True, help_text="Who runs it, for the policy page (e.g. “Google”).",
    )
    cookies = models.CharField(
        "cookies it sets", max_length=500, blank=True,
        help_text="Names separated by commas (e.g. “_ga, _gid”): listed on the policy page and "
        "deleted from the browser when a reader withdraws consent.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    inert_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def cookie_names(self) -> list[str]:
        return [name.strip() for name in self.cookies.split(",") if name.strip()]

    @property
    def hosts(self) -> list[str]:
        """The third-party hosts its markup loads from (what the policy page names)."""
        return inert.hosts(self.code)

    def clean(self):
        try:
            analysis = inert.analyse(self.code)
        except inert.SnippetError as exc:
            raise ValidationError({"code": str(exc)})
        if self.placement == Placement.HEAD and analysis.has_visible_content:
            raise ValidationError({"placement": "This code shows something on the page "
                                   f"({', '.join(analysis.visible_tags)}): choose Body."})
        bad = [name for name in self.cookie_names if not inert.COOKIE_NAME.fullmatch(name)]
        if bad:
            raise ValidationError({"cookies": f"Not a cookie name: {', '.join(bad)}"})

    def save(self, *args, **kwargs):
        creating = self.pk is None
        self.inert_html = self.render_inert()
        super().save(*args, **kwargs)
        if creating:  # the markup names the snippet's id, known only now
            self.inert_html = self.render_inert()
            Snippet.objects.filter(pk=self.pk).update(inert_html=self.inert_html)

    def render_inert(self) -> str:
        category = self.category
        return inert.make_inert(
            self.code, snippet_id=self.pk or 0, category_key=category.key,
            category_name=category.name, placement=self.placement,
            settings_url=reverse("consent:settings"),
        )


class ConsentRecord(models.Model):
    """Proof of one choice: what a reader chose, when, under which policy version."""

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accepted all"
        REJECT = "reject", "Rejected all"
        SAVE = "save", "Chose categories"
        GRANT = "grant", "Allowed one category"

    consent_id = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    policy_version = models.PositiveIntegerField()
    action = models.CharField(max_length=6, choices=Action.choices)
    categories = models.JSONField(
        default=list, help_text="The categories granted (the necessary one is always on)."
    )
    gpc = models.BooleanField("Global Privacy Control", default=False)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    ip_truncated = models.CharField("IP address (truncated)", max_length=45, blank=True)
    user_agent_hash = models.CharField("user agent (SHA-256)", max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "consent record"

    def __str__(self):
        return f"{self.consent_id} · {self.get_action_display()} · v{self.policy_version}"


class PrivacyRequest(models.Model):
    """An administrator's export or erasure of a reader's personal data (the audit trail)."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erasure"

    class State(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Done"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    # An export started from the admin is prepared by a background job (consent/exports.py).
    state = models.CharField(max_length=9, choices=State.choices, default=State.READY)
    email = models.EmailField()
    consent_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    requested_by = models.CharField(
        max_length=150, blank=True, help_text="The administrator, or “command line”.",
    )
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.email}"


class HousekeepingRun(models.Model):
    """When a periodic job last ran, so several server processes run it once between them."""

    job = models.CharField(max_length=50, unique=True)
    last_run = models.DateTimeField()

    def __str__(self):
        return f"{self.job} at {self.last_run:%Y-%m-%d %H:%M}"
