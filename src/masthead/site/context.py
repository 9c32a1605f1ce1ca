"""What every public page shows around its content: the masthead, navigation, breaking banner,
footer pages. A fixed handful of queries, made once per request."""

from django.utils import timezone

from masthead.newsroom.models import Article, Page, Section, SiteSettings


def current_site(request) -> SiteSettings:
    site = getattr(request, "_masthead_site", None)
    if site is None:
        site = SiteSettings.current()
        if request is not None:
            request._masthead_site = site
    return site


def navigation() -> list[Section]:
    """Top-level sections, each with its subsections in `.subsections` (one query)."""
    sections = list(Section.objects.all())
    top = [s for s in sections if s.parent_id is None]
    for s in top:
        s.subsections = [c for c in sections if c.parent_id == s.pk]
    return top


def breaking_story(now):
    """The newest live story whose breaking banner has not expired.

    Few articles ever carry an unexpired banner, so ask for those by the breaking_until index and
    check liveness and order here: filtering or ordering on publication in SQL would make the
    database walk every published article on every page."""
    candidates = [
        a for a in Article.objects.filter(breaking_until__gt=now).order_by()
        .only("pk", "title", "slug", "status", "published_at", "created_at")
        if a.is_live
    ]
    return max(candidates, key=lambda a: a.published_at, default=None)


def site_furniture(request):
    if request.path.startswith("/admin/"):
        return {"site": current_site(request)}
    now = timezone.now()
    return {
        "site": current_site(request),
        "nav_sections": navigation(),
        "breaking": breaking_story(now),
        "footer_pages": list(Page.objects.filter(is_published=True, show_in_footer=True)
                             .only("title", "slug")),
    }
