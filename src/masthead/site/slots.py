"""The public site's declared extension surface: named slots that other apps fill.

The site's templates mark places with `{% slot "name" %}fallback{% endslot %}` and never name
another app; an app fills a slot by registering one of its templates for it in its
AppConfig.ready(), as Wagtail's hooks and Datasette's hookspecs let plugins do:

    from masthead.site import slots
    slots.register("below-article", "comments/section.html", order=20)

A contribution is rendered exactly as `{% include %}` would render it there, with the page's
context, so a page's bytes and SQL queries are what they would be with the includes written in
place, one a line. Contributions appear by `order`, then in registration order. The fallback
between the tags shows only while no app fills the slot.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Slot:
    where: str
    single: bool = False  # one app replaces the fallback; a second filling is a mistake


SLOTS = {
    "head": Slot("inside <head>, after the site's own links: feeds, meta tags, stylesheets"),
    "header": Slot("the end of the masthead, below the sections' navigation"),
    "article-body": Slot("an article's text, to change it as a whole (a line between "
                         "paragraphs); unfilled, the rendered body", single=True),
    "after-body": Slot("inside the article, after its text and before its tags"),
    "below-article": Slot("after the article, in reading order"),
    "card-meta": Slot("the end of an article card's meta line (date, byline)"),
    "page-body": Slot("a static page's text, as a whole; unfilled, the rendered body",
                      single=True),
    "footer-links": Slot("items (<li>) of the footer's site navigation"),
    "foot": Slot("the end of <body>, after the footer: banners, scripts"),
}

_filled: dict[str, list[tuple[int, int, str]]] = {name: [] for name in SLOTS}


def register(slot: str, template_name: str, *, order: int = 100) -> None:
    """Fill `slot` with `template_name`. Registering the same template twice changes nothing."""
    if slot not in SLOTS:
        raise ImproperlyConfigured(
            f"No slot named {slot!r} on the public site; the slots are: {', '.join(SLOTS)}.")
    entries = _filled[slot]
    if any(name == template_name for _, _, name in entries):
        return
    if SLOTS[slot].single and entries:
        raise ImproperlyConfigured(
            f"The {slot!r} slot takes one template; {entries[0][2]!r} already fills it.")
    entries.append((order, len(entries), template_name))
    entries.sort()


def templates_for(slot: str) -> list[str]:
    """The templates that fill `slot`, in the order they appear."""
    return [name for _, _, name in _filled[slot]]
