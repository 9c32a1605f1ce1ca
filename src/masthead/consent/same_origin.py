"""Refusing cross-site POSTs to the consent endpoint without a CSRF token.

The banner's form is part of pages that are the same bytes for every reader, so it cannot carry
Django's per-visitor CSRF token. What a token proves here, that the request comes from one of the
site's own pages, the browser already says in headers a page on another site cannot forge:
Sec-Fetch-Site, Origin and, failing those, Referer. A request that carries none of them is
refused too (modern browsers send Origin with every POST). The consent cookie itself is
SameSite=Lax, so a cross-site POST would not even carry it.
"""

from urllib.parse import urlsplit

from django.conf import settings


def _own_origins(request) -> set[str]:
    scheme = "https" if request.is_secure() else "http"
    return {f"{scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def cross_site_reason(request) -> str | None:
    """Why this POST must be refused as cross-site, or None when it comes from the site itself."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return f"The request came from another site (Sec-Fetch-Site: {fetch_site[:30]})."
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin not in _own_origins(request):
            return f"The request came from another origin ({origin[:100]})."
        return None
    referer = request.headers.get("Referer")
    if not referer:
        return "The request says neither where it came from (no Origin or Referer header)."
    try:
        parts = urlsplit(referer)
    except ValueError:
        return "The Referer header is not an address."
    if f"{parts.scheme}://{parts.netloc}" not in _own_origins(request):
        return "The request came from another site (Referer)."
    return None
