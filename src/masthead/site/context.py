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


def site_furniture(request):
    if request.path.startswith("/admin/"):
        return {"site": current_site(request)}
    now = timezone.now()
    return {
        "site": current_site(request),
        "nav_sections": navigation(),
        "breaking": Article.objects.published(now).filter(breaking_until__gt=now)
        .only("pk", "title", "slug", "published_at", "created_at")
        .order_by("-published_at").first(),
        "footer_pages": list(Page.objects.filter(is_published=True, show_in_footer=True)
                             .only("title", "slug")),
    }
