"""The learned spam model, shared by every server process through the database.

Each training step (the starter model, a retrain, a moderator's "spam"/"not spam") writes a new
row with a higher version; processes compare the newest version with the one they hold and reload
when it moved. Old rows are pruned, keeping a few for inspection.
"""

from django.db import models


class SpamModelVersion(models.Model):
    class Source(models.TextChoices):
        STARTER = "starter", "Starter model (public labelled data)"
        RETRAIN = "retrain", "Retrained from moderated comments"
        FEEDBACK = "feedback", "Updated by a moderator's decision"

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The filter as plain arrays in a numpy .npz file (decision.SpamFilter.to_bytes); never a
    # pickle.
    data = models.BinaryField()
    trained_on = models.PositiveIntegerField(
        default=0, help_text="Labelled examples the model has learned from so far."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "spam model version"

    def __str__(self):
        return f"Spam model v{self.version} ({self.get_source_display()})"
