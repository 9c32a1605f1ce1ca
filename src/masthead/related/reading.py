"""What an article page shows: its related block and See also line, read in one query."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from masthead.newsroom.models import Article, live_q

from .models import RelatedLink


@dataclass
class RelatedView:
    block: list = field(default_factory=list)  # "You may also like": pins first
    see_also: Article | None = None


def related_view(article: Article, now=None) -> RelatedView:
    """The stored lists of `article`, keeping only what readers may see at `now`.

    One query, whatever the archive's size: links joined to their articles and sections."""
    if article.pk is None:
        return RelatedView()
    now = now or timezone.now()
    links = list(
        RelatedLink.objects.filter(live_q(now, path="related__"), article_id=article.pk)
        .exclude(related_id=article.pk)
        .select_related("related__section").order_by(*RelatedLink.READING_ORDER)
    )
    chosen = next((link.related for link in links
                   if link.kind == RelatedLink.Kind.CHOSEN_SEE_ALSO), None)
    block, seen = [], {chosen.pk} if chosen else set()
    for link in links:
        if link.kind != RelatedLink.Kind.CHOSEN_SEE_ALSO and link.related_id not in seen:
            if len(block) < settings.MASTHEAD_RELATED_COUNT:
                block.append(link.related)
                seen.add(link.related_id)
    see_also = chosen or next(
        (link.related for link in links if link.kind == RelatedLink.Kind.AUTO
         and link.see_also_ok and link.related_id not in seen), None)
    return RelatedView(block=block, see_also=see_also)
