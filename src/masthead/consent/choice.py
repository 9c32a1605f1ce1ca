"""A reader's choice as it travels in the consent cookie.

The cookie is first-party and strictly necessary (it only remembers the choice). Its value is
readable by the page's JavaScript, which applies the choice in the browser, and signed, so the
server can tell a choice it issued from a forged one:

    1.<policy version>.<consent id>.<granted keys joined by ~>.<asked keys joined by ~>:<signature>

"asked" are the optional categories the reader was shown: when the site adds a category, the
choice no longer covers every category and the reader is asked again.
"""

import re
import secrets
from dataclasses import dataclass

from django.core import signing

FORMAT = "1"
SALT = "masthead.consent.choice"
MAX_COOKIE_LENGTH = 1024
_KEYS = r"(?:[a-z][a-z0-9_]{0,29}(?:~[a-z][a-z0-9_]{0,29})*)?"
_PAYLOAD = re.compile(
    rf"^{FORMAT}\.(?P<version>[1-9][0-9]{{0,8}})\.(?P<consent_id>[A-Za-z0-9_-]{{22}})"
    rf"\.(?P<granted>{_KEYS})\.(?P<asked>{_KEYS})$"
)


def new_consent_id() -> str:
    """A random id (22 URL-safe characters) that links a reader's choices in the log."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Choice:
    policy_version: int
    consent_id: str
    granted: frozenset[str]
    asked: frozenset[str]

    def covers(self, policy_version: int, category_keys) -> bool:
        """Whether this choice still stands: same policy version, no category added since."""
        return self.policy_version == policy_version and set(category_keys) <= self.asked

    def encode(self) -> str:
        payload = ".".join([
            FORMAT, str(self.policy_version), self.consent_id,
            "~".join(sorted(self.granted)), "~".join(sorted(self.asked)),
        ])
        return _signer().sign(payload)


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def decode(raw: str | None) -> Choice | None:
    """The choice in a cookie value, or None for anything missing, malformed or forged."""
    if not raw or len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        payload = _signer().unsign(raw)
    except signing.BadSignature:
        return None
    match = _PAYLOAD.match(payload)
    if match is None:
        return None
    return Choice(
        policy_version=int(match["version"]), consent_id=match["consent_id"],
        granted=frozenset(filter(None, match["granted"].split("~"))),
        asked=frozenset(filter(None, match["asked"].split("~"))),
    )
