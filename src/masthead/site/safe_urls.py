"""The one allow-list for URLs that reach an `href` or `src`.

Every address that comes from outside (a commenter's website, an article's source URL, a link in
a Markdown body or an imported comment, a consent snippet's sources, a feed's item link) passes
`safe_url()` when it is stored and again when a page shows it, so a `javascript:` (or `data:`,
`vbscript:`, ...) address that got into the database by any path still renders inert.

Plain Python, no Django at import time, so engines and importers can use it too:

    safe_url(value)                       -> value stripped, or "" when unsafe (http/https only)
    safe_url(value, schemes=LINK_SCHEMES) -> also mailto: and tel: (links in text)
    safe_url(value, relative=True)        -> also /paths, ?queries and #fragments
    validate_safe_url                     -> the same check as a Django form/model validator

Browsers are forgiving about what counts as a scheme: they drop leading and trailing spaces and
control characters and ignore tabs and newlines anywhere (`java\\tscript:`), and a value that
went through an HTML attribute may still hold character references (`javascript&colon;`). The
check looks at the address the way a browser would, and at its unescaped form as well.
"""

import html
import re

WEB_SCHEMES = frozenset({"http", "https"})
# Links in running text (Markdown bodies, imported comments) may also mail or call.
LINK_SCHEMES = WEB_SCHEMES | {"mailto", "tel"}

_STRIP = "".join(chr(c) for c in range(0x21)) + "\x7f"
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def _browser_form(url: str) -> str:
    return _TAB_OR_NEWLINE.sub("", url.strip(_STRIP))


def _scheme_allowed(candidate: str, schemes: frozenset, relative: bool) -> bool:
    form = _browser_form(candidate)
    match = _SCHEME.match(form)
    if match is None:
        # No scheme: a relative reference, or text a browser reads as one ("//host/x" is another
        # site but only by http(s), so it is as safe as an absolute http(s) address).
        return relative or form.startswith("//")
    scheme = match.group(1).lower()
    if scheme not in schemes:
        return False
    if scheme in WEB_SCHEMES:
        return form[match.end():].startswith("//")  # "http:evil" is no address
    return True


def safe_url(url: str | None, *, schemes: frozenset = WEB_SCHEMES, relative: bool = False) -> str:
    """`url` with surrounding white space removed if following it can only navigate or load,
    otherwise "" (so callers can simply drop the link)."""
    if not url:
        return ""
    url = url.strip()
    if not url or any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in url):
        return ""
    unescaped = html.unescape(url)
    if not (_scheme_allowed(url, schemes, relative) and _scheme_allowed(unescaped, schemes,
                                                                           relative)):
        return ""
    return url


def is_safe_url(url: str | None, **kwargs) -> bool:
    return bool(safe_url(url, **kwargs))


def validate_safe_url(value: str) -> None:
    """A Django validator: empty is fine, anything else must be an http(s) address."""
    if value and not safe_url(value):
        from django.core.exceptions import ValidationError

        raise ValidationError("Only http:// and https:// addresses can be used here.",
                              code="unsafe_url")
