"""Cross-site request forgery protection for a form on a page that must be the same bytes for
every reader, so it cannot carry a token.

Two ways in, both checked here:
- With JavaScript, the form fetches a token from /comments/token/ when it is first used (that
  response sets Django's CSRF cookie) and posts it back: Django's own check, unchanged.
- Without JavaScript there is no token; the post must then prove it came from this site's own
  page by its Origin header (every current browser sends one with a form POST), or by its Referer
  when Origin is missing. A cross-site forgery carries the attacker's origin and is refused.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request) -> bool:
    own = f"{request.scheme}://{request.get_host()}".lower()
    trusted = {own, *(o.rstrip("/").lower() for o in settings.CSRF_TRUSTED_ORIGINS)}
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.lower() in trusted  # "null" (sandboxed or privacy-stripped) never matches
    referer = request.META.get("HTTP_REFERER")
    return referer is not None and _origin_of(referer) in trusted


def token_in(request) -> str:
    return request.POST.get("csrfmiddlewaretoken", "") or request.META.get("HTTP_X_CSRFTOKEN", "")


def check(request) -> str | None:
    """None when the post may go ahead; otherwise the reason to refuse it (a 403)."""
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return None  # Django's test client, as for every other view
    if token_in(request):
        rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if rejected is None:
            return None
        return ("Your comment form expired or came from another site. Reload the page and "
                "try again.")
    if same_origin(request):
        return None
    return ("This comment did not come from a page on this site. If you sent it from here, "
            "allow your browser to send the Referer header, or turn on JavaScript.")
