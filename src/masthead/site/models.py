from django.db import models


class RateSlot(models.Model):
    """One rate-limited action per key (see rate_limit.py): free again at `free_at`."""

    key = models.CharField(max_length=200, primary_key=True)
    free_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate limit slot"
