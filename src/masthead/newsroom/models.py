"""The newsroom's content: articles, sections, tags, authors, pages, revisions and site settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from masthead.changes import AnnouncingQuerySet
from masthead.site.safe_urls import safe_url

from .markdown import render_markdown

LANGUAGES = [
    ("en", "English"), ("de", "German"), ("fr", "French"), ("es", "Spanish"), ("it", "Italian"),
    ("pt", "Portuguese"), ("nl", "Dutch"), ("ru", "Russian"), ("uk", "Ukrainian"), ("pl", "Polish"),
    ("zh", "Chinese"), ("ja", "Japanese"), ("ko", "Korean"), ("ar", "Arabic"), ("tr", "Turkish"),
    ("hi", "Hindi"), ("sv", "Swedish"), ("fi", "Finnish"), ("no", "Norwegian"), ("da", "Danish"),
]
LANGUAGE_NAMES = dict(LANGUAGES)


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A slug made from `text` that no other row of `model` has yet ("title", "title-2", ...)."""
    base = slugify(text, allow_unicode=False)[: max_length - 8].strip("-") or model.__name__.lower()
    candidate, n = base, 2
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class SingletonSettings(models.Model):
    """A model of which a site has one row, edited in the admin: `Model.current()` fetches it,
    creating it with its defaults on a site's first use."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls.objects.create()


class SiteSettings(SingletonSettings):
    """The one row of settings an administrator edits in the admin."""

    name = models.CharField(max_length=100, default="Masthead News")
    tagline = models.CharField(max_length=200, blank=True, default="News, independently published")
    language = models.CharField(max_length=10, choices=LANGUAGES, default="en")
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text="Dates on the site are shown in this zone, "
        "e.g. Europe/Berlin or America/New_York.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self):
        return self.name

    def clean(self):
        import zoneinfo

        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": f"Unknown time zone “{self.time_zone}”."})


class SectionQuerySet(AnnouncingQuerySet):
    kind = "sections"


class TagQuerySet(AnnouncingQuerySet):
    kind = "tags"


class AuthorQuerySet(AnnouncingQuerySet):
    kind = "authors"


class PageQuerySet(AnnouncingQuerySet):
    kind = "pages"


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="Sections nest one level deep.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the navigation.")

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A section cannot be its own parent."})
            if self.parent.parent_id:
                raise ValidationError({"parent": "Sections nest one level deep only."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, self.name, exclude_pk=self.pk, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("site:section", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Tag, self.name, exclude_pk=self.pk, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("site:tag", args=[self.slug])


class Author(models.Model):
    """A byline: usually tied to a login, but it may exist without one (a guest, an agency)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="author",
    )
    display_name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    bio = models.TextField(blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.display_name, exclude_pk=self.pk, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("site:author", args=[self.slug])


# The one definition of "readers may see this article": its status says it went out and its
# release time has come. Scheduling needs no cron job: a scheduled article simply starts matching
# when its release time comes. `Article.is_live` is the same rule for one loaded article.
LIVE_STATUSES = ("published", "scheduled")


def live_q(at=None, *, path: str = "") -> models.Q:
    """The live-article rule as a filter, for articles reached through `path` ("related__",
    "articles__") when the query starts from another model."""
    return models.Q(**{f"{path}status__in": LIVE_STATUSES,
                       f"{path}published_at__lte": at or timezone.now()})


def in_section_q(section, *, path: str = "") -> models.Q:
    """The one definition of "in this section": filed in the section or in one of its
    subsections (sections nest one level deep). `section` is a Section or its primary key.

    Asked as "section id in (the section and its children)", a test of the article's own
    column that the (section, published_at) index answers; a test through the section table
    ("or its parent is") would make the database walk every article."""
    section_id = getattr(section, "pk", section)
    family = Section.objects.filter(models.Q(pk=section_id) | models.Q(parent=section_id)) \
        .values("pk")
    return models.Q(**{f"{path}section__in": family})


# What a list of cards leaves in the database.
BODY_FIELDS = ("body", "body_html", "review_note")


class ArticleQuerySet(AnnouncingQuerySet):
    def announcement(self) -> dict:
        """These articles, and the originals of the translations among them (an original's page
        lists its translations): what `update()` and friends announce through the change seam."""
        rows = list(self.values_list("pk", "translation_of_id"))
        return {"articles": [pk for pk, _ in rows] + [orig for _, orig in rows if orig]}

    def live(self, at=None):
        """What readers may see at `at` (now by default)."""
        return self.filter(live_q(at))

    # The name the site's views, feeds and API have always used; the same rule.
    published = live

    def in_section(self, section):
        """Articles in `section` or in its subsections."""
        return self.filter(in_section_q(section))

    def for_lists(self):
        """Everything a list of article cards shows, in a fixed number of queries; not the
        bodies, which a card never shows and which are most of a row's bytes."""
        return (self.select_related("section", "section__parent").prefetch_related("authors")
                .defer(*BODY_FIELDS))

    def front_page_order(self):
        return self.order_by("-published_at", "-pk")

    def in_sections(self, section_ids):
        """Filed in one of these sections (ids, or a query of them), by the column alone: the
        (section, published_at) index answers it, where a test through the section table would
        walk every article."""
        return self.filter(section_id__in=section_ids)

    def newest_ids_per_group(self, groups: dict, n: int) -> dict:
        """{key: ids of the newest `n` articles of this queryset in that group, newest first}
        for `groups` of {key: section ids, or None for no narrowing}, from one statement: a
        bounded, index-ordered query per group and section joined with UNION ALL. Never a
        window over the archive, so the cost is the number of groups times `n`."""
        parts, params, origin = [], [], []
        for key, section_ids in groups.items():
            for section_id in ([None] if section_ids is None else section_ids):
                narrowed = self if section_id is None else self.filter(section_id=section_id)
                sql, part_params = (narrowed.front_page_order()
                                    .values_list("pk", "published_at")[:n].query.sql_with_params())
                parts.append(f"SELECT {len(origin)} AS grp, * FROM ({sql}) AS grp{len(origin)}")
                params.extend(part_params)
                origin.append(key)
        found: dict = {key: [] for key in groups}
        if not parts:
            return found
        rows: dict = {key: [] for key in groups}
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for grp, pk, published_at in cursor.fetchall():
                rows[origin[grp]].append((published_at, pk))
        for key, pairs in rows.items():
            found[key] = [pk for _, pk in sorted(pairs, reverse=True)[:n]]
        return found


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, blank=True,
        help_text="Made from the title when left empty; fixed once the article is published.",
    )
    dek = models.TextField("summary", blank=True, help_text="The dek: one or two sentences.")
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    language = models.CharField(max_length=10, choices=LANGUAGES, default="en")

    source_name = models.CharField("source name", max_length=200, blank=True)
    source_url = models.URLField("source URL", max_length=500, blank=True)
    source_language = models.CharField("original language", max_length=10, choices=LANGUAGES,
                                       blank=True)
    source_published_at = models.DateTimeField("original release date", null=True, blank=True)

    featured_image = models.ImageField(upload_to="articles/%Y/%m/", blank=True)
    featured_image_url = models.URLField(
        max_length=500, blank=True, help_text="An image elsewhere, when none is uploaded."
    )
    image_alt = models.CharField("image alt text", max_length=300, blank=True)
    image_caption = models.CharField(max_length=300, blank=True)

    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("release date", null=True, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        "update date", null=True, blank=True,
        help_text="Shown to readers as the update date; set it when a change matters to them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True, help_text="The editor's note when sent back.")

    is_lead = models.BooleanField("lead story", default=False)
    breaking_until = models.DateTimeField(
        null=True, blank=True, db_index=True,  # every page asks for the live banner
        help_text="Show a breaking-news banner across the site until then.",
    )
    importance = models.PositiveSmallIntegerField(
        default=3, choices=[(i, str(i)) for i in range(1, 6)],
        help_text="1 (minor) to 5 (top story): orders the home page.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # Every public list is one of these walks, newest first, in the lists' own order
        # (release time, then id), so nothing is sorted (see ArticleQuerySet and the plan tests
        # in tests/site/test_list_queries.py). Status comes last so a walk tests it without
        # reading the row; a leading status column would make "published or scheduled" two
        # ranges the database must merge and sort.
        indexes = [
            models.Index(fields=["published_at", "id", "status"], name="article_release_idx"),
            models.Index(fields=["section", "published_at", "id", "status"],
                         name="article_section_release_idx"),
            # The newsroom's own queues (drafts, review, scheduled); readers' lists never match it.
            models.Index(fields=["status", "published_at"], name="article_unreleased_idx",
                         condition=models.Q(status__in=["draft", "pending", "scheduled"])),
        ]
        permissions = [
            ("publish_article", "Can publish articles"),
            ("edit_others_article", "Can edit others' articles"),
        ]

    def __str__(self):
        return self.title

    # -- derived state -------------------------------------------------------------------------
    @property
    def is_live(self) -> bool:
        return (
            self.status in LIVE_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def image_src(self) -> str:
        if self.featured_image:
            return self.featured_image.url
        return safe_url(self.featured_image_url)

    @property
    def source_language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.source_language, self.source_language)

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def shows_source_language(self) -> bool:
        return bool(self.source_language) and self.source_language != self.language

    @property
    def shows_source_date(self) -> bool:
        return bool(self.source_published_at) and (
            not self.published_at or self.source_published_at.date() != self.published_at.date()
        )

    def get_absolute_url(self):
        when = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return reverse(
            "site:article", args=[when.year, f"{when.month:02d}", f"{when.day:02d}", self.slug]
        )

    # -- invariants ----------------------------------------------------------------------------
    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The slug as stored, so clean() and save() need not ask again (it is fixed once out).
        article._stored_slug = article.__dict__.get("slug")
        return article

    def _slug_in_database(self):
        stored = getattr(self, "_stored_slug", None)
        if stored is None:
            stored = Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        return stored

    def clean(self):
        errors = {}
        if self.pk and self.first_published_at:
            stored = self._slug_in_database()
            if stored and self.slug and self.slug != stored:
                errors["slug"] = "The slug is fixed once the article has been published."
        if self.status == self.Status.SCHEDULED and not self.published_at:
            errors["published_at"] = "A scheduled article needs a release date."
        if self.translation_of_id and self.translation_of_id == self.pk:
            errors["translation_of"] = "An article cannot be a translation of itself."
        for name in ("source_url", "featured_image_url"):
            value = getattr(self, name)
            if value and not safe_url(value):
                errors[name] = "Only http:// and https:// addresses can be used here."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.pk and self.first_published_at:
            # Published URLs must not break: keep the stored slug whatever the form said.
            stored = self._slug_in_database()
            if stored:
                self.slug = stored
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_pk=self.pk)
        if self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED):
            if not self.published_at:
                self.published_at = timezone.now()
            # The stored status says what readers see: scheduled until the time, then published.
            self.status = (
                self.Status.SCHEDULED if self.published_at > timezone.now()
                else self.Status.PUBLISHED
            )
            if not self.first_published_at:
                self.first_published_at = self.published_at
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
        self._stored_slug = self.slug


class Revision(models.Model):
    """A snapshot of an article taken at every save, so any earlier version can be restored."""

    FIELDS = [
        "title", "slug", "dek", "body", "section_id", "language", "source_name", "source_url",
        "source_language", "status", "image_alt", "image_caption", "featured_image_url",
        "translation_of_id", "importance", "is_lead",
    ]

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField()
    tag_ids = models.JSONField(default=list)
    author_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article} at {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def snapshot(cls, article: Article, user=None, *, tag_ids=None, author_ids=None) -> "Revision":
        """Record `article` as it is now; a caller that knows its tags and bylines (the admin
        form just saved them) passes their ids and saves two queries."""
        data = {name: getattr(article, name) for name in cls.FIELDS}
        data["published_at"] = article.published_at.isoformat() if article.published_at else None
        if tag_ids is None:
            tag_ids = article.tags.values_list("pk", flat=True)
        if author_ids is None:
            author_ids = article.authors.values_list("pk", flat=True)
        return cls.objects.create(
            article=article, user=user if user and user.is_authenticated else None, data=data,
            tag_ids=sorted(tag_ids), author_ids=sorted(author_ids),
        )

    def restore(self, user=None) -> Article:
        """Put this version back as the article's current content (itself a new revision)."""
        from django.utils.dateparse import parse_datetime

        article = self.article
        for name in self.FIELDS:
            if name == "slug":
                continue  # the slug never moves after publication; restoring must not break URLs
            if name in self.data:
                setattr(article, name, self.data[name])
        if self.data.get("published_at"):
            article.published_at = parse_datetime(self.data["published_at"])
        if article.section_id and not Section.objects.filter(pk=article.section_id).exists():
            article.section = None
        if article.translation_of_id and not Article.objects.filter(
            pk=article.translation_of_id
        ).exists():
            article.translation_of = None
        article.save()
        article.tags.set(Tag.objects.filter(pk__in=self.tag_ids))
        article.authors.set(Author.objects.filter(pk__in=self.author_ids))
        Revision.snapshot(article, user)
        return article


# Top-level words the site's own addresses use; a static page may not take one as its slug.
RESERVED_PAGE_SLUGS = {
    "admin", "media", "static", "section", "tag", "author", "feed", "feeds", "search", "api",
    "comments", "consent", "privacy", "sitemap", "robots", "wp-admin", "wp-content",
}


class Page(models.Model):
    """A static page: About, the Privacy & Cookies Policy, ..."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    is_published = models.BooleanField(default=True)
    show_in_footer = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.slug in RESERVED_PAGE_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is used by the site itself; pick another."}
            )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Page, self.title, exclude_pk=self.pk, max_length=100)
        self.body_html = render_markdown(self.body, heading_ids=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("site:page", args=[self.slug])
