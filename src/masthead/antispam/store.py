"""Django glue: the spam filter every server process shares, kept in the database.

`current_filter()` costs one small query (the newest version number) and reloads the filter only
when another process saved a newer one. A site with no model yet gets the starter model shipped
in the package (built from public labelled data by `masthead build_spam_starter`).
"""

import logging
import threading
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from .decision import SpamFilter
from .models import SpamModelVersion

log = logging.getLogger(__name__)

STARTER_RESOURCE = "spam-filter.joblib"
VERSIONS_KEPT = 5


class FilterUnavailable(Exception):
    """No spam filter can be loaded: none stored and no starter model shipped."""


_lock = threading.Lock()
_loaded: dict = {"version": None, "filter": None}


def starter_path() -> Path:
    configured = getattr(settings, "MASTHEAD_SPAM_STARTER_MODEL", "")
    if configured:
        return Path(configured)
    return Path(str(resources.files("masthead.antispam").joinpath("starter", STARTER_RESOURCE)))


def load_starter() -> SpamFilter:
    path = starter_path()
    try:
        return SpamFilter.from_bytes(path.read_bytes())
    except FileNotFoundError:
        raise FilterUnavailable(
            f"no starter spam model at {path}: run `masthead build_spam_starter --dataset DIR`"
        ) from None
    except Exception as exc:  # an artefact from another scikit-learn, a truncated file
        raise FilterUnavailable(f"the starter spam model at {path} cannot be read: {exc}") from exc


def latest_version() -> int | None:
    # Asked before every comment: plain SQL, as the ORM's query building would cost more.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(version) FROM {SpamModelVersion._meta.db_table}")
        return cursor.fetchone()[0]


def current_filter() -> tuple[int, SpamFilter]:
    """(version, filter): the newest stored filter, installing the starter model if none is."""
    version = latest_version()
    if version is None:
        row = save_filter(load_starter(), SpamModelVersion.Source.STARTER,
                          note="installed on first use")
        version = row.version
    with _lock:
        if _loaded["version"] == version:
            return version, _loaded["filter"]
    data = SpamModelVersion.objects.filter(version=version).values_list("data", flat=True).first()
    if data is None:  # pruned between the two queries: try again with the newest
        return current_filter()
    spam_filter = SpamFilter.from_bytes(data)
    with _lock:
        _loaded.update(version=version, filter=spam_filter)
    return version, spam_filter


def save_filter(spam_filter: SpamFilter, source: str, note: str = "") -> SpamModelVersion:
    with transaction.atomic():
        last = SpamModelVersion.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        row = SpamModelVersion.objects.create(
            version=version, source=source, data=spam_filter.to_bytes(),
            trained_on=spam_filter.model.examples_seen, note=note[:300],
        )
        SpamModelVersion.objects.filter(version__lte=version - VERSIONS_KEPT).delete()
    with _lock:
        _loaded.update(version=version, filter=spam_filter)
    return row


def teach(texts: list[str], labels: list[int], note: str = "") -> SpamModelVersion | None:
    """The submit-spam / submit-ham loop: one online step, saved as a new version for everyone.

    Starts from the stored bytes, not this process's copy, so two moderators teaching at once in
    two processes each build on the other's step (the row lock serialises them)."""
    if not texts:
        return None
    current_filter()  # make sure a model exists
    with transaction.atomic():
        last = SpamModelVersion.objects.select_for_update().order_by("-version").first()
        spam_filter = SpamFilter.from_bytes(last.data)
        spam_filter.learn(texts, labels)
        return save_filter(spam_filter, SpamModelVersion.Source.FEEDBACK, note)


def forget_loaded() -> None:
    """Drop this process's copy (tests; after restoring a database)."""
    with _lock:
        _loaded.update(version=None, filter=None)
