"""How every API answer is made, on top of django-ninja: compact JSON that anyone may fetch
(CORS), an ETag on every 200 with 304 for a matching If-None-Match, and errors as
`{"error": "..."}` naming the problem: 400 for a bad parameter, 404 for what is not there, 405 for
any method but GET/HEAD."""

import hashlib
from functools import wraps

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from .params import INVALID, ParamError


class CompactJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


class ContentAPI(NinjaAPI):
    def __init__(self, **kwargs):
        # The document is served at /api/openapi.json by this app's own view; no docs page.
        super().__init__(renderer=CompactJSON(), openapi_url=None, docs_url=None, **kwargs)
        self.add_exception_handler(ParamError, self._bad_parameter)
        self.add_exception_handler(ValidationError, self._invalid_parameter)
        self.add_exception_handler(HttpError, self._http_error)

    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 by definition (RFC 8259): no charset

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status,
                                           temporal_response=temporal_response)
        response["Access-Control-Allow-Origin"] = "*"
        return with_etag(request, response)

    def error(self, request, status: int, message: str) -> HttpResponse:
        return self.create_response(request, {"error": message}, status=status)

    def _bad_parameter(self, request, exc):
        return self.error(request, 400, str(exc))

    def _http_error(self, request, exc):
        return self.error(request, exc.status_code, exc.message)

    def _invalid_parameter(self, request, exc):
        first = exc.errors[0]
        if first["type"] == INVALID:
            return self.error(request, 400, first["msg"])
        name = first["loc"][-1]  # a check of pydantic's own, not one of params.py's
        return self.error(request, 400, f"'{name}' is not acceptable: {first['msg']}.")

    def read_only(self, view):
        """`view`, answering methods other than GET and HEAD with a JSON 405."""

        @wraps(view)
        def refusing_writes(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            response = self.error(request, 405,
                                  f"The API is read-only; {request.method} is not allowed.")
            response["Allow"] = "GET, HEAD"
            return response

        refusing_writes.csrf_exempt = True  # read-only: nothing to forge
        return refusing_writes

    def read_only_urls(self):
        """The URL patterns, each read-only as above (ninja's own 405 is plain text)."""
        patterns, app_name, namespace = self.urls
        for pattern in patterns:
            pattern.callback = self.read_only(pattern.callback)
        return patterns, app_name, namespace


def with_etag(request, response: HttpResponse) -> HttpResponse:
    """A 200 gets an ETag (a hash of the body) and may be cached for a minute; a matching
    If-None-Match turns it into a 304 without a body."""
    if response.status_code != 200:
        return response
    response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["Cache-Control"] = "public, max-age=60"
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional is not response:
        conditional["Access-Control-Allow-Origin"] = "*"
        conditional["Cache-Control"] = response["Cache-Control"]
    return conditional
