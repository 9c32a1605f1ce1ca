"""The one same-origin check for POSTs from the site's own cacheable pages.

The comment form and the cookie banner are part of pages that are the same bytes for every reader,
so without JavaScript they cannot carry Django's per-visitor CSRF token. What a token proves, that
the request comes from one of the site's own pages, the browser already says in headers a page on
another site cannot forge: Sec-Fetch-Site, Origin and, failing those, Referer. A request that
carries none of them is refused (every current browser sends Origin with a form POST).

The rule, in order:
1. Sec-Fetch-Site, when sent, must be "same-origin" ("same-site" is a sibling subdomain: refused).
2. Origin, when sent, must be this site's origin or one of CSRF_TRUSTED_ORIGINS, compared without
   case; "null" (a sandboxed frame, a privacy-stripped request) never matches.
3. Otherwise the Referer must be an http(s) address on one of those origins.
"""

from urllib.parse import urlsplit

from django.conf import settings


def _origin_of(url: str) -> str | None:
    """scheme://host[:port] of an http(s) address, lower-cased; None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origins(request) -> set[str]:
    """This site's origin as the request reached it, and the origins settings trust."""
    return {f"{request.scheme}://{request.get_host()}".lower(),
            *(o.rstrip("/").lower() for o in settings.CSRF_TRUSTED_ORIGINS)}


def cross_site_reason(request) -> str | None:
    """Why this POST must be refused as cross-site, or None when it comes from the site itself."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return f"The request came from another site (Sec-Fetch-Site: {fetch_site[:30]})."
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin.lower() not in own_origins(request):
            return f"The request came from another origin ({origin[:100]})."
        return None
    referer = request.headers.get("Referer")
    if not referer:
        return "The request says neither where it came from (no Origin or Referer header)."
    if _origin_of(referer) not in own_origins(request):
        return "The request came from another site (Referer)."
    return None
