"""Settings from environment variables, read one way: typed, checked, and named on a mistake.

django-environ reads and casts the values; this module adds what it leaves out: a value that does
not fit (`MASTHEAD_PAGE_SIZE=abc`, `MASTHEAD_DEBUG=maybe`, `DATABASE_URL=nonsense`) or a
`MASTHEAD_*` name nobody reads (a typo) stops start-up with one line naming the variable and the
form it expects, instead of a traceback or a silent fallback to the default. The `masthead`
command prints that line and exits with status 2; so does the WSGI entry point.

    env = Environment()
    PAGE_SIZE = env.int("MASTHEAD_PAGE_SIZE", 12, minimum=1)
    ...
    env.reject_unknown()        # last, once every variable has been read
"""

from __future__ import annotations  # the methods below are named after builtins

import os
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import environ

PREFIX = "MASTHEAD_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# Databases Masthead supports, by URL scheme (django-environ knows more than we test).
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


class ConfigurationError(Exception):
    """A bad environment value, as one line: the variable, what it holds, the expected form."""


class Environment:
    def __init__(self, environ_map: Mapping[str, str] | None = None):
        self._values = os.environ if environ_map is None else environ_map
        self._env = environ.Env()
        self._env.ENVIRON = self._values
        self.read: set[str] = set()

    def _raw(self, name: str) -> str | None:
        self.read.add(name)
        return self._values.get(name)

    def _bad(self, name: str, value: str, expected: str) -> ConfigurationError:
        return ConfigurationError(f"{name}={_shown(value)!r} is not valid: expected {expected}")

    def str(self, name: str, default: str = "", *, choices: Iterable[str] | None = None) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        # Taken as written: django-environ would expand a leading "$" (a password may have one).
        value = raw.strip()
        if choices is not None:
            allowed = list(choices)
            if value.lower() not in allowed:
                raise self._bad(name, raw, "one of " + ", ".join(allowed))
            return value.lower()
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        # django-environ takes any unknown word for False; a typo must not switch a thing off.
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise self._bad(name, raw, "1/0, true/false, yes/no or on/off")
        return self._env.bool(name)

    def int(self, name: str, default: int, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        form = "a whole number" + _range(minimum, maximum)
        try:
            value = self._env.int(name)
        except ValueError:
            raise self._bad(name, raw, form)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise self._bad(name, raw, form)
        return value

    def float(self, name: str, default: float, *, minimum: float | None = None,
              maximum: float | None = None) -> float:
        raw = self._raw(name)
        if raw is None:
            return default
        form = "a number" + _range(minimum, maximum)
        try:
            value = self._env.float(name)
        except ValueError:
            raise self._bad(name, raw, form)
        if value != value or (minimum is not None and value < minimum) or (
                maximum is not None and value > maximum):
            raise self._bad(name, raw, form)
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = self._raw(name)
        if raw is None:
            return list(default)
        return [item.strip() for item in self._env.list(name) if item.strip()]

    def path(self, name: str, default: str) -> Path:
        raw = self._raw(name)
        return Path(raw if raw else default).expanduser().resolve()

    def url(self, name: str, default: str = "", *, schemes: Iterable[str] = ("http", "https"),
            ) -> str:
        """An absolute URL (without a trailing slash), or the default when unset or empty."""
        raw = self._raw(name)
        if not raw or not raw.strip():
            return default
        allowed = tuple(schemes)
        parts = urlsplit(raw.strip())
        if parts.scheme not in allowed or not parts.netloc:
            raise self._bad(name, raw, f"an absolute {'/'.join(allowed)} URL")
        return raw.strip().rstrip("/")

    def database(self, name: str = "DATABASE_URL") -> dict | None:
        """Django's DATABASES entry from a database URL, or None when the variable is unset."""
        raw = self._raw(name)
        if not raw or not raw.strip():
            return None
        form = "a URL such as postgres://user:password@host:5432/name"
        scheme = urlsplit(raw.strip()).scheme
        if scheme not in _DATABASE_SCHEMES:
            raise self._bad(name, raw, form)
        config = self._env.db_url_config(raw.strip())
        if not config.get("ENGINE") or not config.get("NAME"):
            raise self._bad(name, raw, form)
        return config

    def redis_url(self, name: str = "REDIS_URL") -> str | None:
        raw = self._raw(name)
        if not raw or not raw.strip():
            return None
        parts = urlsplit(raw.strip())
        if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.netloc or parts.path):
            raise self._bad(name, raw, "a URL such as redis://host:6379/0")
        return raw.strip()

    def time_zone(self, name: str, default: str) -> str:
        value = self.str(name, default)
        try:
            zoneinfo.ZoneInfo(value)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise self._bad(name, value, "a time zone name such as Europe/Paris or UTC")
        return value

    def allow(self, *names: str) -> None:
        """Variables read elsewhere (by the `masthead` command before Django starts)."""
        self.read.update(names)

    def reject_unknown(self) -> None:
        """A MASTHEAD_* variable nothing read is a typo or a leftover: say so, by name."""
        unknown = sorted(n for n in self._values if n.startswith(PREFIX) and n not in self.read)
        if unknown:
            raise ConfigurationError(
                f"unknown setting {', '.join(unknown)}: no MASTHEAD_* variable by that name "
                "(see Configuration in the README)")


def _shown(value: str) -> str:
    """The value for an error message, with a URL's password (if any) masked."""
    try:
        parts = urlsplit(value)
        if parts.password:
            return value.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return value


def _range(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""
