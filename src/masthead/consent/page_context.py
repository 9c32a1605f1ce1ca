"""What the banner, the snippets and the policy page need on a page: loaded once per request in
a fixed number of queries (settings, categories, enabled snippets), whatever the site holds."""

from dataclasses import dataclass

from django.conf import settings as django_settings
from django.urls import reverse

from . import inert
from .cookies import declared
from .models import Category, ConsentSettings, Snippet

# Google Consent Mode v2 signals each category stands for.
GOOGLE_SIGNALS = {
    "preferences": ["functionality_storage", "personalization_storage"],
    "analytics": ["analytics_storage"],
    "marketing": ["ad_storage", "ad_user_data", "ad_personalization"],
}


@dataclass
class ConsentContext:
    settings: ConsentSettings
    categories: list[Category]
    snippets: list[Snippet]

    @property
    def optional_categories(self) -> list[Category]:
        return [c for c in self.categories if not c.necessary]

    def category_keys(self) -> list[str]:
        return [c.key for c in self.optional_categories]

    def gpc_refused_keys(self) -> list[str]:
        return [c.key for c in self.optional_categories if c.refused_by_gpc]

    @property
    def gpc_refused_names(self) -> str:
        """"Analytics and Marketing": what the banner says the GPC signal refuses."""
        names = [c.name for c in self.optional_categories if c.refused_by_gpc]
        if len(names) < 2:
            return "".join(names) or "nothing optional"
        return ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def policy_url(self) -> str:
        return reverse("site:page", args=[self.settings.policy_page_slug])

    def js_config(self) -> dict:
        """What consent.js needs, embedded in every page as JSON (the same for every reader)."""
        by_key = {c.pk: c.key for c in self.categories}
        cookies: dict[str, list[str]] = {}
        for snippet in self.snippets:
            cookies.setdefault(by_key.get(snippet.category_id, ""), []).extend(snippet.cookie_names)
        for cookie in declared(self.settings.choice_max_age_days):
            if cookie.category != "necessary":
                cookies.setdefault(cookie.category, []).append(cookie.name)
        return {
            "cookieName": django_settings.MASTHEAD_CONSENT["COOKIE_NAME"],
            "policyVersion": self.settings.policy_version,
            "mode": self.settings.mode,
            "categories": self.category_keys(),
            "gpcRefused": self.gpc_refused_keys(),
            "cookies": {key: sorted(set(names)) for key, names in cookies.items() if key},
            "googleConsentMode": self.settings.google_consent_mode,
            "googleSignals": {k: v for k, v in GOOGLE_SIGNALS.items() if k in self.category_keys()},
            "chooseUrl": reverse("consent:choose"),
            "stateUrl": reverse("consent:state"),
        }


def load() -> ConsentContext:
    return ConsentContext(
        settings=ConsentSettings.current(),
        categories=list(Category.objects.all()),
        snippets=list(Snippet.objects.filter(enabled=True).defer("code")),
    )


def for_request(request) -> ConsentContext:
    context = getattr(request, "_masthead_consent", None) if request is not None else None
    if context is None:
        context = load()
        if request is not None:
            request._masthead_consent = context
    return context


def csp_sources(request, response) -> dict:
    """What this page's consent snippets need in its Content-Security-Policy (see
    masthead/site/csp.py); nothing for a page that showed no snippets."""
    context = getattr(request, "_masthead_consent", None)
    if context is None or not context.snippets:
        return {}
    origins, hashes = [], []
    for snippet in context.snippets:
        snippet_origins, snippet_hashes = inert.csp_sources(snippet.inert_html)
        origins += [o for o in snippet_origins if o not in origins]
        hashes += [h for h in snippet_hashes if h not in hashes]
    return {"script-src": origins + hashes, "connect-src": origins, "frame-src": origins,
            "img-src": origins, "style-src": origins, "font-src": origins}
