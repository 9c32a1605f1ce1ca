"""The consent endpoint (the banner's form, with or without JavaScript), the verified state of a
reader's cookie, and the cookie settings page."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from masthead.site.proxies import client_ip
from masthead.site.same_origin import cross_site_reason

from . import housekeeping, page_context
from .choice import Choice, decode, new_consent_id
from .models import ConsentRecord

SAVED_FRAGMENT = "#consent-saved"
# Every choice writes a log record: a script posting in a loop must not fill the database.
CHOICES_PER_MINUTE = 30


def truncate_ip(value: str) -> str:
    """The network, not the person: IPv4 to /24, IPv6 to /48. Empty when not an address."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def user_agent_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() if value else ""


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(request, status: int, reason: str):
    if _wants_json(request):
        return JsonResponse({"error": reason}, status=status)
    return TemplateResponse(request, "consent/error.html", {"reason": reason}, status=status)


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    # A path on this site only: a relative "next" would resolve against /consent/.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#", 1)[0]
    return "/"


def _too_many_choices(ip_network: str) -> bool:
    key = f"masthead:consent:rate:{ip_network or 'unknown'}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > CHOICES_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return False


def sends_gpc(request) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


def state_payload(choice: Choice | None, context, cookie: str = "", gpc: bool = False) -> dict:
    if choice is None:
        return {"choice": None}
    keys = set(context.category_keys())
    return {
        "choice": {
            "consentId": choice.consent_id,
            "policyVersion": choice.policy_version,
            "granted": sorted(choice.granted & keys),
            "current": choice.covers(context.settings.policy_version, keys),
        },
        "cookie": cookie,
        "gpc": gpc,
    }


@csrf_exempt  # a cacheable page cannot carry a CSRF token; site/same_origin.py checks instead
@require_POST
def choose(request):
    reason = cross_site_reason(request)
    if reason:
        return _error(request, 403, f"Refused: {reason}")
    action = request.POST.get("choice", "")
    if action not in ConsentRecord.Action.values:
        return _error(request, 400, "That choice was not understood: use the buttons of the "
                                    "cookie banner or the cookie settings page.")
    ip_network = truncate_ip(client_ip(request))
    if _too_many_choices(ip_network):
        return _error(request, 429, "Too many cookie choices from your network in the last "
                                    "minute: please try again in a minute.")
    context = page_context.for_request(request)
    conf = context.settings
    keys = set(context.category_keys())
    asked = set(request.POST.getlist("category")) & keys  # unknown categories are ignored
    previous = decode(request.COOKIES.get(settings.MASTHEAD_CONSENT["COOKIE_NAME"]))
    if action == ConsentRecord.Action.ACCEPT:
        granted = set(keys)
    elif action == ConsentRecord.Action.REJECT:
        granted = set()
    elif action == ConsentRecord.Action.SAVE:
        granted = asked
    else:  # GRANT: one more category on top of a choice that still stands
        standing = previous and previous.covers(conf.policy_version, keys)
        granted = (set(previous.granted) & keys if standing else set()) | asked
    gpc = sends_gpc(request)
    if gpc:
        granted -= set(context.gpc_refused_keys())
    choice = Choice(
        policy_version=conf.policy_version,
        consent_id=previous.consent_id if previous else new_consent_id(),
        granted=frozenset(granted), asked=frozenset(keys),
    )
    ConsentRecord.objects.create(
        consent_id=choice.consent_id, policy_version=choice.policy_version, action=action,
        categories=sorted(granted), gpc=gpc, mode=conf.mode,
        ip_truncated=ip_network,
        user_agent_hash=user_agent_hash(request.headers.get("User-Agent", "")),
    )
    cookie = choice.encode()
    if _wants_json(request):
        response = JsonResponse(state_payload(choice, context, cookie, gpc))
    else:
        response = HttpResponseRedirect(_next_url(request) + SAVED_FRAGMENT, status=303)
    response.set_cookie(
        settings.MASTHEAD_CONSENT["COOKIE_NAME"], cookie,
        max_age=conf.choice_max_age_days * 86400, samesite="Lax", secure=request.is_secure(),
        httponly=False,  # the page's script reads it to apply the choice
    )
    housekeeping.run_if_due()
    return response


@require_GET
@never_cache
def state(request):
    """The reader's choice as the server verified it: consent.js asks once per cookie value, so
    a cookie the server did not sign never counts as consent."""
    context = page_context.for_request(request)
    raw = request.COOKIES.get(settings.MASTHEAD_CONSENT["COOKIE_NAME"], "")
    choice = decode(raw)
    return JsonResponse(state_payload(choice, context, raw if choice else "", sends_gpc(request)))


@require_GET
def settings_page(request):
    """Cookie settings, reachable from every footer: the same bytes for every reader (the
    script ticks the current choice); without JavaScript the form still works."""
    return TemplateResponse(request, "consent/settings.html", {
        "consent_settings_page": True,
        "breadcrumbs": [("Cookie settings", None)],
    })
