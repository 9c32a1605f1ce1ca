"""The site's own error pages: 400, 403 (including a refused CSRF token), 404 and 500.

They look like the rest of the site and say what went wrong in words a reader can act on. None
of them reads the request body: a body Django cannot decode (a form posted as UTF-16, say) is
often the reason we are here, and Django's stock handlers, which check the CSRF token and so read
the body again, turned that 400 into a 500.
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.template.response import TemplateResponse


def _error_page(request, status: int, title: str, message: str):
    # error_page: the head tags leave out the canonical link (an error is no page of the site).
    response = TemplateResponse(request, "error.html", {
        "status": status, "title": title, "message": message, "error_page": True,
    }, status=status)
    return response.render()


def bad_request(request, exception=None):
    return _error_page(request, 400, "We couldn’t understand that request",
                       "The request was not in a form this site accepts (forms must be sent as "
                       "UTF-8). Please go back and try again.")


def permission_denied(request, exception=None):
    return _error_page(request, 403, "You can’t do that here",
                       "This page or action is not open to you. If you are signed in, ask an "
                       "administrator for access.")


def csrf_failure(request, reason=""):
    return _error_page(request, 403, "Your form was not sent",
                       "The page’s security check failed: usually the page was open too long or "
                       "cookies are blocked for this site. Reload the page and try again.")


def locked_out(request, credentials=None):
    """django-axes refused a sign-in: too many wrong passwords for this name from this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _error_page(request, 429, "Too many failed sign-ins",
                       f"After {settings.AXES_FAILURE_LIMIT} wrong passwords in a row, this "
                       f"account cannot be signed in to from your address for {minutes} "
                       "minutes. Wait and try again, or ask an administrator to unlock it.")


def not_found(request, exception=None):
    response = TemplateResponse(request, "404.html", {"error_page": True}, status=404)
    return response.render()


def server_error(request):
    # No database here: the error may be the database. The template uses only static furniture.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
