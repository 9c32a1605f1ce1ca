from django import template

from masthead.site import safe_urls

register = template.Library()


@register.filter
def safe_url(value):
    """`{{ comment.author_url|safe_url }}`: the address if it is http(s), otherwise "" (so a
    stored `javascript:` address renders as no link at all)."""
    return safe_urls.safe_url(str(value or ""))


@register.filter
def get_item(mapping, key):
    """`{{ blocks|get_item:section.pk }}`: look up a dict by a variable key."""
    return mapping.get(key) if mapping else None
