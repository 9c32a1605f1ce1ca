"""What the related app stores: the fitted model, each article's vectors, the ranked lists, and
editors' choices.

Readers only ever read `RelatedLink` (one query per article page). Everything else serves the
writers that keep those links current.
"""

from django.db import models

from masthead.newsroom.models import Article


class IndexState(models.Model):
    """The one row every index writer locks: which model is current and the change counter.

    `seq` grows with every change to a vector row, so each process can fetch only what changed
    since it last looked and keep its in-memory copy of the vectors exact."""

    generation = models.PositiveIntegerField(default=0)
    seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "related-articles index state"


class TextModelBlob(models.Model):
    """A fitted text model (IDF and LSA projection), stored so every process uses the same one."""

    generation = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    n_docs = models.PositiveIntegerField()
    payload = models.BinaryField()


class ArticleVector(models.Model):
    """One article's vectors under one model generation.

    `article_id` is a plain number, not a foreign key: the row outlives a deleted article as an
    inactive tombstone, so other processes learn that it is gone."""

    generation = models.PositiveIntegerField()
    article_id = models.BigIntegerField()
    group_id = models.BigIntegerField(help_text="The original's id for a translation.")
    language = models.CharField(max_length=10)
    published_at = models.DateTimeField(null=True)
    active = models.BooleanField(default=True)
    dense = models.BinaryField()
    signature = models.BinaryField()
    threshold = models.FloatField(
        null=True, help_text="The lowest score in this article's list once it is full."
    )
    seq = models.BigIntegerField()  # indexed with the generation below

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["generation", "article_id"], name="one_vector_per_gen")
        ]
        indexes = [models.Index(fields=["generation", "seq"])]


class RelatedLink(models.Model):
    """One entry of an article's stored related list."""

    class Kind(models.IntegerChoices):
        PIN = 0, "pinned by an editor"
        CHOSEN_SEE_ALSO = 1, "chosen by an editor for See also"
        AUTO = 2, "computed"

    # How a page reads a list: pins in their order, the chosen See also, then computed entries
    # best first (a new entry is then one row to insert, with no ranks to shift).
    READING_ORDER = ("kind", "rank", "-score", "related_id")

    # Written a whole list at a time, 12 rows per article (over a million on a large rebuild), so
    # each row costs as little as it can: the (article, kind, rank) index below also serves
    # lookups by article alone, and there is no database-level foreign key check. Django still
    # deletes an article's own list with it; the rows that list a deleted article stay until
    # the update job that follows the deletion refills those lists (it finds them by these
    # rows). The page joins to live articles only, so such a row is never shown.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+",
                                db_index=False, db_constraint=False)
    related = models.ForeignKey(Article, on_delete=models.DO_NOTHING, related_name="+",
                                db_constraint=False)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    rank = models.PositiveSmallIntegerField(
        help_text="Position among an editor's pins; computed entries are ordered by score."
    )
    score = models.FloatField(default=0.0)
    see_also_ok = models.BooleanField(
        default=True, help_text="May serve as the See also line (off when an editor says so)."
    )

    class Meta:
        ordering = ["article", "kind", "rank", "-score", "related"]
        indexes = [models.Index(fields=["article", "kind", "rank"])]


class RelatedChoice(models.Model):
    """An editor's choices for one article's related block and See also line."""

    class SeeAlso(models.TextChoices):
        AUTO = "auto", "Automatic: the best related article not in the block"
        CHOSEN = "chosen", "The article chosen below"
        OFF = "off", "None for this article"

    article = models.OneToOneField(Article, on_delete=models.CASCADE,
                                   related_name="related_choice")
    see_also = models.CharField("See also line", max_length=10, choices=SeeAlso.choices,
                                default=SeeAlso.AUTO)
    see_also_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="See also article",
    )
    excluded = models.ManyToManyField(
        Article, blank=True, related_name="+",
        help_text="Never show these in this article's block or See also line.",
        verbose_name="never show",
    )

    class Meta:
        verbose_name = verbose_name_plural = "related articles: choices"

    def __str__(self):
        return f"Related-article choices for {self.article}"


class RelatedPin(models.Model):
    """An article an editor puts at the top of another's "You may also like" block."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_pins")
    pinned = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "pinned"], name="pin_once")
        ]
        verbose_name = "pinned related article"

    def __str__(self):
        return f"{self.pinned} pinned on {self.article}"
