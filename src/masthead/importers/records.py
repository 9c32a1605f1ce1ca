"""The import's memory of what it made: one WordPressObject per WordPress object, with a digest
of its source, so a second import of the same file updates what changed, skips what did not, and
duplicates nothing; and the old addresses (LegacyURL) that keep answering with a redirect.

New rows are held back and written in batches (`flush`): a 10,000-post import would otherwise
spend most of its time on one-row inserts."""

import dataclasses
import hashlib
from urllib.parse import unquote, urlsplit

from django.utils.text import slugify

from .content import plain_text
from .models import LegacyURL, WordPressObject
from .wxr import WxrItem

# Bump when the conversion changes, so a re-import rewrites what an older version made.
CONVERTER_VERSION = "2"


def digest_of(record, *extra) -> str:
    """A fingerprint of a record's content (not of its place in the file, nor its comments,
    which have their own): an unchanged record is skipped on re-import."""
    changes = {"line": None, "comments": []} if isinstance(record, WxrItem) else {}
    payload = repr((CONVERTER_VERSION, dataclasses.replace(record, **changes), extra))
    return hashlib.sha256(payload.encode()).hexdigest()


def normalise_path(url: str) -> str | None:
    """The part of an old URL the redirect table is keyed on: decoded path, lower case, no
    trailing slash. None for the home page and for addresses with no path."""
    path = unquote(urlsplit(url.strip()).path or "").lower().rstrip("/")
    return path or None


def wordpress_slug(nicename: str, name: str, fallback: str, max_length: int) -> str:
    """An ASCII slug (Masthead's URLs use [-a-zA-Z0-9_]) from WordPress's nicename or name."""
    for candidate in (unquote(nicename or ""), plain_text(name or "")):
        slug = slugify(candidate)[:max_length].strip("-")
        if slug:
            return slug
    return fallback[:max_length]


class ImportRecords:
    """The import records and old addresses of one run, for one WordPress site."""

    def __init__(self):
        self.site = ""
        # A first import of this site has no records to look up: one query saved per object.
        self.first_import = False
        self.pending: dict[tuple[str, str], WordPressObject] = {}
        self.pending_legacy: dict[str, tuple[str, int]] = {}

    def start(self, site: str) -> None:
        self.site = site
        self.first_import = not WordPressObject.objects.filter(site=site).exists()

    def find(self, kind: str, wp_id: str) -> WordPressObject | None:
        pending = self.pending.get((kind, wp_id))
        if pending is not None or self.first_import:
            return pending
        return WordPressObject.objects.filter(site=self.site, kind=kind, wp_id=wp_id).first()

    def remember(self, mapping, kind, wp_id, obj_id, digest, meta=None) -> None:
        if mapping is None:
            self.pending[(kind, wp_id)] = WordPressObject(
                site=self.site, kind=kind, wp_id=wp_id, object_id=obj_id, digest=digest,
                meta=meta or {})
            return
        mapping.object_id, mapping.digest = obj_id, digest
        if meta is not None:
            mapping.meta = meta
        if mapping.pk is not None:  # a pending one is written as it is by flush()
            mapping.save()

    def old_address(self, url: str, target_kind: str, target_id: int, own_url: str = "") -> None:
        """`url` (the object's WordPress address) redirects to the object, unless it is the
        object's own address here."""
        path = normalise_path(url)
        if not path or (own_url and path == normalise_path(own_url)):
            return
        self.pending_legacy[path[:500]] = (target_kind, target_id)

    def flush(self) -> None:
        WordPressObject.objects.bulk_create(self.pending.values(), batch_size=500)
        LegacyURL.objects.bulk_create(
            [LegacyURL(path=path, target_kind=kind, target_id=pk)
             for path, (kind, pk) in self.pending_legacy.items()],
            batch_size=500, update_conflicts=True, unique_fields=["path"],
            update_fields=["target_kind", "target_id"],
        )
        self.pending.clear()
        self.pending_legacy.clear()
