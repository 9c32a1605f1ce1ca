"""`{% related_articles article as related %}` and `{% body_with_see_also article related %}`."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..placement import insert_at, see_also_offset
from ..reading import related_view

register = template.Library()


@register.simple_tag
def related_articles(article):
    """The article's related view, read once per page however many templates ask."""
    cached = getattr(article, "_related_view", None)
    if cached is None:
        cached = article._related_view = related_view(article)
    return cached


@register.simple_tag
def body_with_see_also(article, related):
    html = article.body_html or ""
    if related.see_also is None:
        return mark_safe(html)  # noqa: S308 (body_html is sanitised when saved)
    offset = see_also_offset(html, settings.MASTHEAD_RELATED_SEE_ALSO_AFTER,
                             settings.MASTHEAD_RELATED_SEE_ALSO_MIN_PARAGRAPHS)
    line = render_to_string("related/see_also_line.html", {"other": related.see_also})
    return mark_safe(insert_at(html, offset, line))  # noqa: S308
