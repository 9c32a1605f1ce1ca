"""The search page and robots.txt. (Feeds, sitemaps and the API have modules of their own.)"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from masthead.site.structured_data import absolute, for_breadcrumbs

from . import site_search
from .forms import SearchForm


@require_safe
def search(request):
    form = SearchForm(request.GET)
    crumbs = [("Search", None)]
    context = {"form": form, "search_query": request.GET.get("q", "")[:500], "results": None,
               "breadcrumbs": crumbs, "structured_data": for_breadcrumbs(request, crumbs)}
    if not form.is_valid():
        # A page number that is no page is a page that does not exist: 404, with the reason.
        status = 404 if set(form.errors) == {"page"} else 400
        return TemplateResponse(request, "discovery/search.html", context, status=status)
    query = form.cleaned_data["q"]
    if query:
        filters = form.filters()
        results = site_search.search(query, per_page=settings.MASTHEAD_SEARCH_PAGE_SIZE,
                                     **filters)
        context["results"] = results
        context["past_the_end"] = results.total and filters["page"] > results.num_pages
        params = {k: v for k, v in request.GET.items() if k != "page" and v}
        if filters["page"] > 1:
            context["previous_url"] = "?" + urlencode({**params, "page": filters["page"] - 1})
        if filters["page"] < results.num_pages:
            context["next_url"] = "?" + urlencode({**params, "page": filters["page"] + 1})
        context["last_url"] = "?" + urlencode({**params, "page": results.num_pages})
        if context["past_the_end"]:
            return TemplateResponse(request, "discovery/search.html", context, status=404)
    return TemplateResponse(request, "discovery/search.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Result pages of the site's own search are endless and thin: crawlers should not
        # index them (Google's guidelines ask the same).
        "Disallow: /search/",
        "Allow: /",
        "",
        f"Sitemap: {absolute(request, '/sitemap.xml')}",
        f"Sitemap: {absolute(request, '/news-sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
