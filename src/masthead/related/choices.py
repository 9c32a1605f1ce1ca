"""Editors' choices (pins, exclusions, the See also line), read for the lists being written."""

from dataclasses import dataclass

from .models import RelatedChoice, RelatedPin


@dataclass
class Choices:
    see_also: str = RelatedChoice.SeeAlso.AUTO
    see_also_article: int | None = None
    excluded: frozenset = frozenset()
    pins: tuple = ()


def load_choices(article_ids=None) -> dict[int, Choices]:
    """The choices made for these articles, or for every article (a full build)."""
    choices, pin_rows = RelatedChoice.objects.order_by(), RelatedPin.objects.all()
    through = RelatedChoice.excluded.through.objects.order_by()
    if article_ids is not None:
        ids = list(article_ids)
        choices = choices.filter(article_id__in=ids)
        pin_rows = pin_rows.filter(article_id__in=ids)
        through = through.filter(relatedchoice__article_id__in=ids)
    out: dict[int, Choices] = {}
    excluded: dict[int, set] = {}
    choices = list(choices)
    if choices:  # exclusions hang off a choices row: none without one
        for article_id, other in through.values_list("relatedchoice__article_id",
                                                     "article_id"):
            excluded.setdefault(article_id, set()).add(other)
    for c in choices:
        out[c.article_id] = Choices(c.see_also, c.see_also_article_id,
                                    frozenset(excluded.get(c.article_id, ())))
    pins: dict[int, list[int]] = {}
    for article_id, pinned in pin_rows.order_by("article_id", "position", "pk").values_list(
            "article_id", "pinned_id"):
        pins.setdefault(article_id, []).append(pinned)
    for article_id, pinned in pins.items():
        current = out.setdefault(article_id, Choices())
        current.pins = tuple(pinned)
    return out
