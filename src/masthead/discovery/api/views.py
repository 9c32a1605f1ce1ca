"""The API's one entry point: every /api/v1/... address answers here, in JSON, whatever it is
(a typo in a path gets a JSON 404, not the site's HTML page)."""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt

from .openapi import openapi_document
from .params import IntParam, ParamError
from .resources import RESOURCES

PAGE = IntParam("page", "The page of results, from 1.", minimum=1, maximum=100_000)


def per_page_param() -> IntParam:
    return IntParam("per_page", "Results per page.", minimum=1,
                    maximum=settings.MASTHEAD_API_MAX_PAGE_SIZE)


def json_response(request, data, status=200) -> HttpResponse:
    """JSON with an ETag; a matching If-None-Match gets 304 and no body."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    if status != 200:
        return response
    response["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    response["Cache-Control"] = "public, max-age=60"
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    if conditional is not response:
        conditional["Access-Control-Allow-Origin"] = "*"
        conditional["Cache-Control"] = response["Cache-Control"]
    return conditional


def error(request, status: int, message: str) -> HttpResponse:
    return json_response(request, {"error": message}, status=status)


def _query_values(request, allowed) -> dict:
    """The query string checked against the declared parameters: unknown or repeated ones are
    refused by name, so a misspelt filter never silently returns everything."""
    by_name = {p.name: p for p in allowed}
    values = {}
    for name in request.GET:
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise ParamError(f"Unknown query parameter '{name[:50]}'. Known parameters: {known}.")
        raw = request.GET.getlist(name)
        if len(raw) > 1:
            raise ParamError(f"Give '{name}' once.")
        values[name] = by_name[name].parse(raw[0])
    return values


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _list(request, resource):
    values = _query_values(request, (PAGE, per_page_param(), *resource.filters))
    page = values.pop("page", 1)
    per_page = values.pop("per_page", settings.MASTHEAD_API_PAGE_SIZE)
    found = resource.search(request, values, page, per_page)
    if found is None:
        queryset = resource.filter(request, resource.queryset(), values)
        total, exact = queryset.count(), True
        start = (page - 1) * per_page
        objects = list(queryset[start : start + per_page]) if start < total else []
    else:
        total, exact, objects = found
    num_pages = max(1, -(-total // per_page))
    return json_response(request, {
        "count": total, "count_is_exact": exact, "page": page, "per_page": per_page,
        "num_pages": num_pages,
        "next": _page_url(request, page + 1) if page < num_pages else None,
        "previous": _page_url(request, min(page - 1, num_pages)) if page > 1 else None,
        "results": [resource.item(request, obj, detail=False) for obj in objects],
    })


def _detail(request, resource, raw_key):
    _query_values(request, ())
    key = resource.lookup.parse(raw_key)
    obj = resource.get(key)
    if obj is None:
        return error(request, 404, f"No {resource.schema_name.lower()} '{raw_key[:100]}'.")
    return json_response(request, resource.item(request, obj, detail=True))


@csrf_exempt  # read-only: nothing to forge; a POST gets 405 rather than a CSRF page
def dispatch(request, rest=""):
    if request.method not in ("GET", "HEAD"):
        response = error(request, 405, f"The API is read-only; {request.method} is not allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    parts = [p for p in rest.split("/") if p]
    try:
        if not parts:
            _query_values(request, ())
            return json_response(request, {
                "resources": {name: request.build_absolute_uri(f"/api/v1/{name}/")
                              for name in RESOURCES},
                "openapi": request.build_absolute_uri(reverse("discovery:openapi")),
            })
        resource = RESOURCES.get(parts[0])
        if resource is None or len(parts) > 2:
            return error(request, 404, "No such API address; see /api/openapi.json.")
        if len(parts) == 1:
            return _list(request, resource)
        return _detail(request, resource, parts[1])
    except ParamError as exc:
        return error(request, 400, str(exc))


def openapi_json(request):
    if request.method not in ("GET", "HEAD"):
        response = error(request, 405, "Only GET is allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    return json_response(request, openapi_document(RESOURCES, PAGE, per_page_param()))
