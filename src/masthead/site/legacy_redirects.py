"""Old addresses keep working: a request for an address the site no longer answers gets a 301 to
where its content lives now.

Like django.contrib.redirects' fallback middleware, this acts only on requests the site itself
answered 404, so it never shadows a real page and costs nothing on normal traffic; and on the
home page's query strings an old platform used (WordPress's /?p=123), which would otherwise just
show the home page. What an old address means is not the site's knowledge: apps that know (the
WordPress importer) register a resolver from their AppConfig.ready():

    legacy_redirects.register(resolver)

A resolver has `home_query_keys` (the query keys it reads on "/"), `url_for_query(GET)` and
`url_for_path(path)`, each returning the new address or None; the first answer wins.
"""

from urllib.parse import unquote

from django.http import HttpResponsePermanentRedirect

_resolvers: list = []


def register(resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def _same_path(a: str, b: str) -> bool:
    return unquote(a).rstrip("/").lower() == unquote(b).rstrip("/").lower()


class LegacyRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in {"GET", "HEAD"}
        if reading and request.path == "/" and request.GET:
            for resolver in _resolvers:
                if any(key in request.GET for key in resolver.home_query_keys):
                    target = resolver.url_for_query(request.GET)
                    if target:
                        return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code == 404 and reading:
            for resolver in _resolvers:
                target = resolver.url_for_path(request.path)
                if target and not _same_path(target, request.path):
                    return HttpResponsePermanentRedirect(target)
        return response
