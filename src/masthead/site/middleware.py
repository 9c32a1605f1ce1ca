"""Per-request site state that must be in place before any view or template runs."""

import zoneinfo

from django.utils import timezone

from .context import current_site


class SiteTimeZoneMiddleware:
    """Show dates in the time zone an administrator chose in the site settings.

    The settings row is fetched once per request and reused by the template context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(zoneinfo.ZoneInfo(current_site(request).time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
