"""The Content-Security-Policy header: django-csp's middleware, plus the sources the page's own
content needs.

The policy in settings is strict (default-src 'none', scripts only from this site, no inline
script, no eval). A page that carries consent snippets needs more: the hosts those snippets load
from, and the SHA-256 hashes of their inline scripts (consent.js brings them to life after
consent). Apps name a function in MASTHEAD_CSP_SOURCES that, given the request and response,
returns {"script-src": [...], ...} for this page; the site knows nothing of what they are.

This middleware sits inside the page cache, so a cached page keeps the exact policy it was
rendered with.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils.module_loading import import_string


def _contributors():
    return [import_string(path) for path in settings.MASTHEAD_CSP_SOURCES]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        update = {key: list(values) for key, values in (parts.update or {}).items()}
        for contribute in _contributors():
            for directive, sources in (contribute(request, response) or {}).items():
                known = update.setdefault(directive, [])
                known.extend(s for s in sources if s not in known)
        parts.update = update or None
        return parts
