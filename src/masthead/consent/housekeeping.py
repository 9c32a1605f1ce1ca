"""Forgetting on time: the consent log past its retention period, and commenters' IP addresses
after N days.

`masthead privacy-cleanup` does it (run it daily from cron). So that a site without cron still
forgets, the consent endpoint and new comments also run it opportunistically, at most once a day
across all server processes: a cache key spares each process a database check more than hourly,
and a conditional UPDATE on one row lets exactly one process claim the day's run.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ConsentRecord, ConsentSettings, HousekeepingRun
from .sources.comments import comment_model

JOB = "privacy-cleanup"
CHECK_KEY = "masthead:consent:cleanup-checked"
CHECK_EVERY_SECONDS = 3600
RUN_EVERY = timedelta(days=1)
logger = logging.getLogger(__name__)


def purge_consent_log(days: int, now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = ConsentRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def forget_comment_ips(days: int, now=None) -> int:
    """Blank the IP address of comments older than `days`; the comments themselves stay."""
    Comment = comment_model()
    if Comment is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return Comment.objects.filter(created_at__lt=cutoff).exclude(author_ip="").update(author_ip="")


def run_cleanup(now=None) -> dict[str, int]:
    """Apply every retention period now. Returns how many rows each step changed."""
    now = now or timezone.now()
    conf = ConsentSettings.current()
    with transaction.atomic():
        result = {
            "consent_records_deleted": purge_consent_log(conf.log_retention_days, now),
            "comment_ips_removed": forget_comment_ips(conf.comment_ip_retention_days, now),
        }
    HousekeepingRun.objects.update_or_create(job=JOB, defaults={"last_run": now})
    return result


def _claim_run(now) -> bool:
    """True for exactly one caller a day, whichever process it is in."""
    claimed = HousekeepingRun.objects.filter(job=JOB, last_run__lte=now - RUN_EVERY).update(
        last_run=now
    )
    if claimed:
        return True
    if HousekeepingRun.objects.filter(job=JOB).exists():
        return False
    try:
        with transaction.atomic():
            HousekeepingRun.objects.create(job=JOB, last_run=now)
    except IntegrityError:
        return False  # another process created it first: the run is theirs
    return True


def run_if_due(now=None) -> bool:
    """Run the clean-up if nobody has today. Cheap when it is not due. Never raises: forgetting
    late is better than failing a reader's request."""
    if not cache.add(CHECK_KEY, True, timeout=CHECK_EVERY_SECONDS):
        return False
    now = now or timezone.now()
    try:
        if not _claim_run(now):
            return False
        run_cleanup(now)
    except Exception:  # see the docstring: a reader's request must not fail because of it
        logger.exception("The opportunistic privacy clean-up failed; `masthead privacy-cleanup` "
                         "will retry it")
        return False
    return True
