"""schema.org JSON-LD for public pages: NewsArticle, BreadcrumbList, Organization, WebSite.

Absolute URLs come from MASTHEAD_BASE_URL when set (so every reader gets the same bytes whatever
Host they used), else from the request.
"""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

from masthead.newsroom.markdown import first_paragraph_text

from .context import current_site


def absolute(request, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    if settings.BASE_URL:
        return settings.BASE_URL + path
    return request.build_absolute_uri(path)


def to_script(*blocks) -> str:
    """JSON-LD script tags; '<' is escaped so no text can close the script element."""
    out = []
    for block in blocks:
        if block:
            text = json.dumps(block, ensure_ascii=False, indent=None, sort_keys=False)
            text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            out.append(f'<script type="application/ld+json">{text}</script>')
    return mark_safe("\n".join(out))


def organization(request, site) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": site.name,
        "url": absolute(request, "/"),
        "logo": {"@type": "ImageObject", "url": absolute(request, "/static/masthead/logo.png")},
    }


def breadcrumb_list(request, crumbs) -> dict:
    items = [{"@type": "ListItem", "position": 1, "name": "Home", "item": absolute(request, "/")}]
    for i, (name, url) in enumerate(crumbs, start=2):
        item = {"@type": "ListItem", "position": i, "name": name}
        item["item"] = absolute(request, url if url else request.path)
        items.append(item)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def for_breadcrumbs(request, crumbs):
    return to_script(breadcrumb_list(request, crumbs))


def for_home(request):
    site = current_site(request)
    website = {
        "@context": "https://schema.org", "@type": "WebSite", "name": site.name,
        "url": absolute(request, "/"), "inLanguage": site.language,
        "publisher": organization(request, site),
        # The site's own search (masthead.discovery), for search engines' sitelinks search box.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint",
                       "urlTemplate": absolute(request, "/search/") + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }
    return to_script(website)


def for_article(request, article, crumbs):
    site = current_site(request)
    url = absolute(request, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.dek or first_paragraph_text(article.body_html),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.updated_at or article.published_at or article.modified_at
                         ).isoformat(),
        "author": [
            {"@type": "Person", "name": a.display_name,
             "url": absolute(request, a.get_absolute_url())}
            for a in article.authors.all()
        ],
        "publisher": organization(request, site),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": article.language,
    }
    if article.section_id:
        data["articleSection"] = article.section.name
    if article.image_src:
        data["image"] = [absolute(request, article.image_src)]
    keywords = [t.name for t in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    if article.source_name or article.source_url:
        based_on = {"@type": "CreativeWork"}
        if article.source_name:
            based_on["publisher"] = {"@type": "Organization", "name": article.source_name}
        if article.source_url:
            based_on["url"] = article.source_url
        if article.source_language:
            based_on["inLanguage"] = article.source_language
        if article.source_published_at:
            based_on["datePublished"] = article.source_published_at.isoformat()
        data["isBasedOn"] = based_on
    if article.translation_of_id:
        data["translationOfWork"] = {
            "@type": "NewsArticle",
            "url": absolute(request, article.translation_of.get_absolute_url()),
        }
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    return to_script(data, breadcrumb_list(request, crumbs))
