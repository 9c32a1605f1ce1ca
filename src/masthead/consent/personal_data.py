"""Readers' rights (GDPR articles 15 and 17): find, export and erase the personal data the site
holds about an e-mail address, as WordPress's privacy tools do.

Each kind of data is a `PersonalDataSource`, registered once (apps do it in AppConfig.ready()).
A source exports what it holds as JSON-ready dicts and erases it by deleting or anonymising, and
says what it must keep and why. Records without an e-mail address (the consent log) are found by
the consent ids a reader gives (the banner's settings show a reader their id).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

CONSENT_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass
class Erasure:
    removed: int = 0
    anonymised: int = 0
    retained: list[str] = field(default_factory=list)  # what was kept, and why

    def as_dict(self) -> dict:
        return {"removed": self.removed, "anonymised": self.anonymised, "retained": self.retained}


class PersonalDataSource:
    """One kind of personal data. Override `export` and `erase`; `available` says whether the
    app behind it is installed."""

    name = ""  # the key in the export file
    label = ""

    def available(self) -> bool:
        return True

    def export(self, email: str, consent_ids: list[str]) -> list[dict]:
        raise NotImplementedError

    def erase(self, email: str, consent_ids: list[str], *, delete_content: bool) -> Erasure:
        """Remove or anonymise. `delete_content`: delete what the person wrote as well, rather
        than keeping it without their name."""
        raise NotImplementedError


_sources: dict[str, PersonalDataSource] = {}


def register(source: PersonalDataSource) -> None:
    _sources[source.name] = source


def sources() -> list[PersonalDataSource]:
    return [s for s in _sources.values() if s.available()]


def clean_request(email: str, consent_ids=()) -> tuple[str, list[str]]:
    """The e-mail address and consent ids, checked; raises ValueError with a clear message."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(f"{email!r} is not an e-mail address")
    ids = []
    for consent_id in consent_ids:
        consent_id = consent_id.strip()
        if not CONSENT_ID.match(consent_id):
            raise ValueError(f"{consent_id!r} is not a consent id (22 letters, digits, - or _)")
        ids.append(consent_id)
    return email, ids


def export_personal_data(email: str, consent_ids=()) -> dict:
    email, ids = clean_request(email, consent_ids)
    return {
        "request": {"email": email, "consent_ids": ids,
                    "exported_at": timezone.now().isoformat()},
        "data": {
            source.name: {"label": source.label, "items": source.export(email, ids)}
            for source in sources()
        },
    }


def preview_erasure(email: str, consent_ids=()) -> dict[str, int]:
    """How many items each source holds for this person (what an erasure would touch)."""
    email, ids = clean_request(email, consent_ids)
    return {source.label: len(source.export(email, ids)) for source in sources()}


def erase_personal_data(email: str, consent_ids=(), *, delete_content: bool = False) -> dict:
    email, ids = clean_request(email, consent_ids)
    with transaction.atomic():
        return {
            source.name: source.erase(email, ids, delete_content=delete_content).as_dict()
            for source in sources()
        }


def iso(value) -> str | None:
    return value.isoformat() if value else None
