from django.db import models


class WorkerHeartbeat(models.Model):
    """A running job worker, as other workers see it: it refreshes `seen_at` every few seconds
    while it lives, so a worker that was killed (or whose machine died) can be told apart from a
    busy one, and its job handed to another (see masthead.jobs.recovery)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker"
        ordering = ["host", "pid"]

    def __str__(self):
        return f"{self.host} pid {self.pid}"
