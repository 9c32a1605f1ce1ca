"""The cookies the site itself sets, declared so the policy page lists them and nothing is missed.

Apps declare theirs with `declare(DeclaredCookie(...))` in their AppConfig.ready(); the consent
app declares its own and Django's. Cookies that third-party snippets set are declared on each
snippet in the admin.
"""

from dataclasses import dataclass

from django.conf import settings

FIRST_PARTY = "This site"


@dataclass(frozen=True)
class DeclaredCookie:
    name: str
    category: str  # a Category key; "necessary" for the strictly necessary ones
    purpose: str
    duration: str
    provider: str = FIRST_PARTY


_declared: dict[str, DeclaredCookie] = {}


def declare(cookie: DeclaredCookie) -> None:
    _declared[cookie.name] = cookie


def _days(seconds: int) -> str:
    days = round(seconds / 86400)
    return f"{days} day{'s' if days != 1 else ''}"


def declared(choice_max_age_days: int) -> list[DeclaredCookie]:
    """Every first-party cookie, the built-in ones (named from the live settings) first."""
    builtin = [
        DeclaredCookie(
            settings.MASTHEAD_CONSENT["COOKIE_NAME"], "necessary",
            "Remembers your cookie choices and the random consent id that links them to our "
            "record of your consent.", _days(choice_max_age_days * 86400),
        ),
        DeclaredCookie(
            settings.CSRF_COOKIE_NAME, "necessary",
            "Protects the forms that need it (signing in, comments) against forged requests "
            "from other sites.", _days(settings.CSRF_COOKIE_AGE),
        ),
        DeclaredCookie(
            settings.SESSION_COOKIE_NAME, "necessary",
            "Keeps editors and administrators signed in; set only when someone signs in.",
            "until the browser closes" if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            else _days(settings.SESSION_COOKIE_AGE),
        ),
    ]
    names = {cookie.name for cookie in builtin}
    return builtin + [c for c in _declared.values() if c.name not in names]
