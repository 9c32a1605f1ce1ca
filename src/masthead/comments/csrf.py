"""Cross-site request forgery protection for a form on a page that must be the same bytes for
every reader, so it cannot carry a token.

Two ways in, both checked here:
- With JavaScript, the form fetches a token from /comments/token/ when it is first used (that
  response sets Django's CSRF cookie) and posts it back: Django's own check, unchanged.
- Without JavaScript there is no token; the post must then prove it came from this site's own
  page by the headers the browser sets (masthead.site.same_origin, the rule the cookie banner's
  endpoint uses too). A cross-site forgery carries the attacker's origin and is refused.
"""

from django.middleware.csrf import CsrfViewMiddleware

from masthead.site.same_origin import cross_site_reason


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
    if cross_site_reason(request) is None:
        return None
    return ("This comment did not come from a page on this site. If you sent it from here, "
            "allow your browser to send the Referer header, or turn on JavaScript.")
