"""`{% discovery_head %}`: what every public page's <head> tells feed readers, search engines and
social networks: feed autodiscovery, the canonical URL, OpenGraph and Twitter card tags, and
hreflang alternates between an article and its translations.

Reads only what the view already put in the context, except for one query on a translated
article's page (its sibling translations), so a page's query count stays fixed.
"""

from django import template
from django.urls import reverse

from masthead.newsroom.markdown import first_paragraph_text
from masthead.newsroom.models import Article
from masthead.site.structured_data import absolute

register = template.Library()

DESCRIPTION_CHARS = 300


def _feeds(context) -> list[dict]:
    site = context.get("site")
    name = site.name if site else "Site"
    feeds = [
        {"title": f"{name} (RSS)", "href": reverse("discovery:feed"), "type": "rss"},
        {"title": f"{name} (Atom)", "href": reverse("discovery:feed-atom"), "type": "atom"},
    ]
    for key, label in (("section", "section"), ("tag", "tag"), ("author", "author")):
        obj = context.get(key)
        if obj is not None and getattr(obj, "slug", None) and context.get("article") is None:
            feeds += [
                {"title": f"{name}: {obj} (RSS)", "type": "rss",
                 "href": reverse(f"discovery:{label}-feed", args=[obj.slug])},
                {"title": f"{name}: {obj} (Atom)", "type": "atom",
                 "href": reverse(f"discovery:{label}-feed-atom", args=[obj.slug])},
            ]
    return feeds


def _translations(article, translations, original) -> list[tuple[str, str]]:
    """(language, URL) for every live version of the article, itself included, originals first."""
    if original is not None:
        versions = [original] + list(
            Article.objects.published().filter(translation_of_id=original.pk)
            .only("pk", "slug", "language", "published_at", "created_at").order_by("pk")
        )
    elif translations:
        versions = [article, *translations]
    else:
        return []
    seen, out = set(), []
    for version in versions:
        if version.language not in seen:  # one URL per language, the original's first
            seen.add(version.language)
            out.append((version.language, version.get_absolute_url()))
    if article.language not in seen:
        out.append((article.language, article.get_absolute_url()))
    return out if len(out) > 1 else []


@register.inclusion_tag("discovery/head_tags.html", takes_context=True)
def discovery_head(context):
    request = context.get("request")
    if request is None:  # error pages rendered without a request
        return {}
    site = context.get("site")
    article = context.get("article")
    page_obj = context.get("page_obj")
    meta = {
        "feeds": _feeds(context), "site_name": site.name if site else "",
        "og_type": "website", "title": site.name if site else "",
        "description": site.tagline if site else "", "image": None, "image_alt": "",
        "hreflang": [],
    }
    path = request.path
    if article is not None and getattr(article, "pk", None):
        path = article.get_absolute_url()
        meta.update(
            og_type="article", title=article.title,
            description=article.dek or first_paragraph_text(article.body_html),
            image=absolute(request, article.image_src) if article.image_src else None,
            image_alt=article.image_alt, article=article,
            authors=[absolute(request, a.get_absolute_url()) for a in article.authors.all()],
            tags=[t.name for t in article.tags.all()],
            hreflang=[(lang, absolute(request, url)) for lang, url in _translations(
                article, context.get("translations") or [], context.get("original"))],
        )
    else:
        for key in ("section", "tag", "author", "page"):
            obj = context.get(key)
            if obj is not None and hasattr(obj, "get_absolute_url"):
                meta["title"] = str(getattr(obj, "title", None) or obj)
                text = getattr(obj, "description", "") or getattr(obj, "bio", "")
                meta["description"] = text or meta["description"]
                meta["og_type"] = "profile" if key == "author" else "website"
                break
        if page_obj is not None and page_obj.number > 1:
            path += f"?page={page_obj.number}"
    meta["description"] = " ".join((meta["description"] or "").split())[:DESCRIPTION_CHARS]
    # An error page is no page of the site: it must not claim an address as its own.
    meta["canonical"] = None if context.get("error_page") else absolute(request, path)
    meta["x_default"] = meta["hreflang"][0][1] if meta["hreflang"] else None
    return meta
