"""Query and path parameters: each knows its OpenAPI schema and parses a raw string strictly.

Strict on purpose: what the OpenAPI document forbids gets a 400 with a reason, so a client never
mistakes a typo for an empty result."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone


class ParamError(ValueError):
    """A parameter's value is not acceptable; the message says why, for the client."""


_DIGITS = re.compile(r"[0-9]{1,19}")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


@dataclass(frozen=True)
class Param:
    name: str
    description: str

    def schema(self) -> dict:
        raise NotImplementedError

    def parse(self, raw: str):
        raise NotImplementedError


@dataclass(frozen=True)
class IntParam(Param):
    minimum: int = 1
    maximum: int = 100_000

    def schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def parse(self, raw):
        if not _DIGITS.fullmatch(raw) or not self.minimum <= int(raw) <= self.maximum:
            raise ParamError(f"'{self.name}' must be a whole number from {self.minimum} to "
                             f"{self.maximum}.")
        return int(raw)


@dataclass(frozen=True)
class SlugParam(Param):
    def schema(self):
        return {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1, "maxLength": 100}

    def parse(self, raw):
        if not _SLUG.fullmatch(raw):
            raise ParamError(f"'{self.name}' must be a slug: 1 to 100 letters, digits, - or _.")
        return raw


@dataclass(frozen=True)
class ChoiceParam(Param):
    choices: tuple[str, ...] = ()

    def schema(self):
        return {"type": "string", "enum": list(self.choices)}

    def parse(self, raw):
        if raw not in self.choices:
            raise ParamError(f"'{self.name}' must be one of: {', '.join(self.choices)}.")
        return raw


@dataclass(frozen=True)
class TextParam(Param):
    max_length: int = 500

    def schema(self):
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}

    def parse(self, raw):
        if not 1 <= len(raw) <= self.max_length:
            raise ParamError(f"'{self.name}' must be 1 to {self.max_length} characters long.")
        return raw


@dataclass(frozen=True)
class DateTimeParam(Param):
    def schema(self):
        return {"type": "string", "format": "date-time"}

    def parse(self, raw):
        """An RFC 3339 date-time, e.g. 2025-05-01T00:00:00Z, as an aware datetime in UTC."""
        match = _RFC3339.fullmatch(raw)
        error = ParamError(f"'{self.name}' must be an RFC 3339 date-time such as "
                           "2025-05-01T08:00:00Z.")
        if not match:
            raise error
        year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = match.groups()
        try:
            offset = timedelta(0) if zulu else (1 if sign == "+" else -1) * timedelta(
                hours=int(oh), minutes=int(om))
            moment = datetime(
                int(year), int(month), int(day), int(hour), int(minute),
                min(int(second), 59),  # a leap second counts as the second before it
                int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone(offset),
            )
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            raise error from None
