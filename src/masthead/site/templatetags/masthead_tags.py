from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ blocks|get_item:section.pk }}`: look up a dict by a variable key."""
    return mapping.get(key) if mapping else None
