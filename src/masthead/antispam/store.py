"""Django glue: the spam filter every server process shares, kept in the database.

`current_filter()` costs one small query (the newest version number) and reloads the filter only
when another process saved a newer one. A site with no model yet gets the starter model shipped
in the package (built from public labelled data by `masthead build-spam-starter`); however many
processes see the empty table at once, it is installed once (an insert that ignores a conflict
on version 1).

Stored models are plain arrays in a numpy .npz file, never a pickle (see text_model.py). One that
cannot be read (written by another Masthead, or damaged) makes every comment wait in Pending
and puts a warning in the admin; `masthead retrain-spam` replaces it.
"""

import logging
import threading
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from .decision import SpamFilter
from .models import SpamModelVersion

log = logging.getLogger(__name__)

STARTER_RESOURCE = "spam-filter.npz"
VERSIONS_KEPT = 5
SAVE_ATTEMPTS = 5


class FilterUnavailable(Exception):
    """No spam filter can be loaded: none stored and no starter model shipped, or the stored
    one cannot be read."""


_lock = threading.Lock()
_loaded: dict = {"version": None, "filter": None}
_unreadable: dict[int, str] = {}  # version → why it cannot be read (for the admin warning)


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
            f"no starter spam model at {path}: run `masthead build-spam-starter --dataset DIR`"
        ) from None
    except (OSError, ValueError) as exc:  # a file from another version, a truncated file
        raise FilterUnavailable(f"the starter spam model at {path} cannot be read: {exc}") \
            from exc


def latest_version() -> int | None:
    # Asked before every comment: plain SQL, as the ORM's query building would cost more.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(version) FROM {SpamModelVersion._meta.db_table}")
        return cursor.fetchone()[0]


def install_starter() -> None:
    """Store the shipped starter as version 1, unless some process already stored a model."""
    spam_filter = load_starter()
    SpamModelVersion.objects.bulk_create([SpamModelVersion(
        version=1, source=SpamModelVersion.Source.STARTER, data=spam_filter.to_bytes(),
        trained_on=spam_filter.model.examples_seen, note="installed on first use",
    )], ignore_conflicts=True)


def current_filter() -> tuple[int, SpamFilter]:
    """(version, filter): the newest stored filter, installing the starter model if none is."""
    version = latest_version()
    if version is None:
        install_starter()
        version = latest_version()
    with _lock:
        if _loaded["version"] == version:
            return version, _loaded["filter"]
    data = SpamModelVersion.objects.filter(version=version).values_list("data", flat=True).first()
    if data is None:  # pruned between the two queries: try again with the newest
        return current_filter()
    try:
        spam_filter = SpamFilter.from_bytes(data)
    except ValueError as exc:
        if version not in _unreadable:
            log.error("spam model v%s cannot be read: %s", version, exc)
        _unreadable[version] = str(exc)
        raise FilterUnavailable(
            f"the stored spam model v{version} cannot be read; run `masthead retrain-spam`"
        ) from exc
    _unreadable.pop(version, None)
    with _lock:
        _loaded.update(version=version, filter=spam_filter)
    return version, spam_filter


def model_problem() -> str | None:
    """Why the newest stored model cannot be used, for a warning in the admin; None if it can."""
    try:
        current_filter()
    except FilterUnavailable as exc:
        return str(exc)
    return None


def save_filter(spam_filter: SpamFilter, source: str, note: str = "") -> SpamModelVersion:
    """Store `spam_filter` as the next version. Two processes saving at once both succeed, one
    after the other (a version taken meanwhile is retried with the next number)."""
    data = spam_filter.to_bytes()
    for attempt in range(SAVE_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a conflict leaves the caller's work intact
                version = (latest_version() or 0) + 1
                row = SpamModelVersion.objects.create(
                    version=version, source=source, data=data,
                    trained_on=spam_filter.model.examples_seen, note=note[:300],
                )
            break
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    SpamModelVersion.objects.filter(version__lte=version - VERSIONS_KEPT).delete()
    with _lock:
        _loaded.update(version=version, filter=spam_filter)
    return row


def teach(texts: list[str], labels: list[int], note: str = "") -> SpamModelVersion | None:
    """The submit-spam / submit-ham loop: one online step, saved as a new version for everyone.

    Starts from the newest stored bytes, not this process's copy, under a row lock, so two
    moderators teaching at once in two processes each build on the other's step."""
    if not texts:
        return None
    current_filter()  # make sure a model exists
    with transaction.atomic():
        while True:
            last = SpamModelVersion.objects.select_for_update().order_by("-version").first()
            # Waiting for the lock, another process may have saved a newer version: lock that.
            if last.version == latest_version():
                break
        spam_filter = SpamFilter.from_bytes(last.data)
        spam_filter.learn(texts, labels)
        return save_filter(spam_filter, SpamModelVersion.Source.FEEDBACK, note)


def forget_loaded() -> None:
    """Drop this process's copy (tests; after restoring a database)."""
    with _lock:
        _loaded.update(version=None, filter=None)
    _unreadable.clear()
