import re

from django import template
from django.utils.safestring import mark_safe

from .. import page_context
from ..cookies import declared
from ..models import Snippet

register = template.Library()

# Editors place the generated list inside their own text with a paragraph of its own:
# "[cookie-list]". Without it the list follows their text.
COOKIE_LIST_MARKER = re.compile(r"<p>\s*\[cookie-list\]\s*</p>\s*")


@register.filter
def text_before_cookie_list(body_html: str) -> str:
    return COOKIE_LIST_MARKER.split(body_html or "", maxsplit=1)[0]


def _text_after_cookie_list(body_html: str) -> str:
    parts = COOKIE_LIST_MARKER.split(body_html or "", maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


@register.simple_tag(takes_context=True)
def consent_context(context):
    """The page's consent data (settings, categories, enabled snippets), loaded once a request."""
    return page_context.for_request(context.get("request"))


@register.inclusion_tag("consent/policy_details.html", takes_context=True)
def consent_policy_details(context, page):
    """On the Privacy & Cookies Policy page: the cookies, categories and snippets the site really
    uses, generated from its configuration so the list is never stale. Nothing on other pages."""
    consent = page_context.for_request(context.get("request"))
    # The page's own body, already sanitised when it was saved.
    after = mark_safe(_text_after_cookie_list(page.body_html)) if page is not None else ""
    if page is None or page.slug != consent.settings.policy_page_slug:
        return {"show": False, "text_after": after}
    snippets = list(Snippet.objects.filter(enabled=True))  # with their code, for the hosts
    cookies = declared(consent.settings.choice_max_age_days)
    categories = []
    for category in consent.categories:
        own = [s for s in snippets if s.category_id == category.pk]
        rows = [c for c in cookies if c.category == category.key]
        for snippet in own:
            rows.extend({"name": name, "provider": snippet.provider or ", ".join(snippet.hosts),
                         "purpose": f"Set by {snippet.name}.", "duration": "set by the provider"}
                        for name in snippet.cookie_names)
        categories.append({"category": category, "cookies": rows, "snippets": own})
    return {"show": True, "consent": consent, "categories": categories, "text_after": after,
            "request": context.get("request")}
