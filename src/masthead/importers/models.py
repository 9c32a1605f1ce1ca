"""What an import remembers: which Masthead object each WordPress object became, the old
addresses that must keep answering, the attachments by their original URL, and the feed items
already taken.
"""

from django.db import models


class WordPressObject(models.Model):
    """One WordPress object (a post, a page, a term, an author, a comment, an attachment) and the
    Masthead row it became, so importing the same file again updates instead of duplicating."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category → section"
        TAG = "tag", "Tag"
        POST = "post", "Post → article"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"

    # WordPress ids are per site: the same number means different things in two blogs' exports.
    site = models.CharField(max_length=200, help_text="The export's base blog URL.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    wp_id = models.CharField("WordPress id", max_length=200,
                             help_text="Post, term or comment id; the login for authors.")
    object_id = models.BigIntegerField(help_text="Primary key of the Masthead row.")
    digest = models.CharField(max_length=64, help_text="Hash of the source record: unchanged "
                              "records are skipped on re-import.")
    meta = models.JSONField(default=dict, blank=True,
                            help_text="WordPress post meta kept as it was, for export.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "WordPress object"
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="importers_wp_unique"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.kind} {self.wp_id} from {self.site}"


class LegacyURL(models.Model):
    """An old address (a permalink, /category/x/, /author/login/ ...) that answers 301 to where
    its content lives now. The target is looked up at request time, so it follows later moves."""

    class Target(models.TextChoices):
        ARTICLE = "article", "Article"
        PAGE = "page", "Page"
        SECTION = "section", "Section"
        TAG = "tag", "Tag"
        AUTHOR = "author", "Author"

    path = models.CharField(max_length=500, unique=True,
                            help_text="Normalised: decoded, no trailing slash, lower case.")
    target_kind = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.BigIntegerField()

    class Meta:
        verbose_name = "legacy URL"
        indexes = [models.Index(fields=["target_kind", "target_id"])]

    def __str__(self):
        return f"{self.path} → {self.target_kind} {self.target_id}"


class ImportedAttachment(models.Model):
    """A WordPress attachment (an uploaded image or file), recorded by its original URL. The file
    itself is fetched only with `import-wxr --download-media`."""

    site = models.CharField(max_length=200)
    wp_id = models.CharField(max_length=40)
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=300, blank=True)
    alt = models.CharField(max_length=300, blank=True)
    caption = models.TextField(blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    parent_wp_id = models.CharField(max_length=40, blank=True,
                                    help_text="The WordPress post it was uploaded to, if any.")
    file = models.FileField(upload_to="wordpress/%Y/%m/", blank=True, max_length=500)
    download_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="importers_attachment_unique"),
        ]

    def __str__(self):
        return self.url


class SyndicatedItem(models.Model):
    """A feed item taken as a draft by `import-feed`, so running it again skips what was taken."""

    guid = models.CharField(max_length=500, unique=True,
                            help_text="The item's id, or its link when it has none.")
    feed = models.CharField(max_length=1000)
    article = models.ForeignKey("newsroom.Article", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.guid
