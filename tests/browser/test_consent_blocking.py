"""Headless Chromium proves the banner really blocks.

The site runs on http://localhost:<port> (pytest-django's live server); a fake third party runs
on http://127.0.0.1:<other port>, another origin and another site that resolves locally. An
analytics snippet loads its script from there, and that script sets a cookie, writes to
localStorage and requests a tracking pixel: exactly what must not happen before consent.
The pages send the site's Content-Security-Policy, so the snippets also prove it lets them run
after consent (the waits below are functions: a string would be eval, which the policy refuses).
"""

import importlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.apps import apps
from django.conf import settings as django_settings

from masthead.consent.choice import Choice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COOKIE = django_settings.MASTHEAD_CONSENT["COOKIE_NAME"]
NECESSARY_COOKIES = {COOKIE, django_settings.CSRF_COOKIE_NAME, django_settings.SESSION_COOKIE_NAME}

MIGRATION_SEEDS = [("masthead.consent.migrations.0002_default_categories", "create_categories"),
                   ("masthead.newsroom.migrations.0002_default_pages", "create_pages")]

TRACKER_JS = """
document.cookie = "_stats=" + Date.now() + "; path=/";
localStorage.setItem("stats_seen", "1");
new Image().src = "%(origin)s/collect?page=" + encodeURIComponent(location.pathname);
window.statsRuns = (window.statsRuns || 0) + 1;
"""


class ThirdParty:
    """A tracker on another origin that remembers every request it receives."""

    def __init__(self):
        self.requests: list[str] = []
        third_party = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                third_party.requests.append(self.path)
                if self.path.startswith("/tag.js"):
                    body = (TRACKER_JS % {"origin": third_party.origin}).encode()
                    content_type = "application/javascript"
                else:
                    body = b"<!doctype html><title>embed</title><p>Embedded film</p>"
                    content_type = "text/html"
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def paths(self, prefix: str) -> list[str]:
        return [p for p in self.requests if p.startswith(prefix)]


@pytest.fixture
def third_party():
    tracker = ThirdParty()
    tracker.thread.start()
    yield tracker
    tracker.server.shutdown()
    tracker.server.server_close()


@pytest.fixture
def site(live_server, third_party, make_article):
    from masthead.consent.models import Category, Snippet

    # A transactional test before this one may have flushed what the migrations put in.
    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
    make_article(title="Harbour reopens")
    Snippet.objects.create(
        name="Stats", category=Category.objects.get(key="analytics"), cookies="_stats",
        code=f'<script async src="{third_party.origin}/tag.js"></script>'
             "<script>window.statsInline = true;</script>"
             f'<noscript><img src="{third_party.origin}/noscript-pixel.gif"></noscript>',
    )
    Snippet.objects.create(
        name="Harbour film", category=Category.objects.get(key="marketing"), placement="body",
        code=f'<iframe src="{third_party.origin}/embed/42" title="Harbour film"></iframe>',
    )
    return live_server.url


@pytest.fixture
def visit(browser, site):
    """visit(**context_options) -> (page, requests): a fresh browser profile on the home page."""
    contexts = []

    def open_page(path="/", **options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site + path)
        return page, requests

    yield open_page
    for context in contexts:
        context.close()


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def cookies_of(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def assert_nothing_beyond_the_necessary(page, requests, site, third_party):
    assert set(cookies_of(page)) <= NECESSARY_COOKIES
    assert "_stats" not in page.evaluate("document.cookie")
    assert page.evaluate("localStorage.getItem('stats_seen')") is None
    assert page.evaluate("window.statsRuns || 0") == 0
    assert page.evaluate("window.statsInline || false") is False
    assert [url for url in requests if not url.startswith(site)] == []
    assert third_party.requests == []


def test_nothing_runs_before_consent_then_accept_runs_it(visit, site, third_party):
    page, requests = visit()
    banner = page.locator("#consent-banner")
    banner.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    assert_nothing_beyond_the_necessary(page, requests, site, third_party)
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0
    assert page.locator(".consent-placeholder").is_visible()

    banner.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.statsRuns === 1")
    page.wait_for_function("() => document.querySelector('iframe[src]') !== null")
    assert banner.is_hidden()
    assert page.evaluate("window.statsInline") is True
    assert "_stats=" in page.evaluate("document.cookie")
    assert page.evaluate("localStorage.getItem('stats_seen')") == "1"
    page.wait_for_function("() => performance.getEntriesByType('resource').some("
                           "e => e.name.includes('/collect'))")
    assert third_party.paths("/tag.js") and third_party.paths("/embed/42")
    assert not third_party.paths("/noscript-pixel.gif")

    # The next page applies the stored choice at once, with no banner.
    page.goto(site + "/privacy-policy/")
    page.wait_for_function("() => window.statsRuns === 1")
    assert page.locator("#consent-banner").is_hidden()
    assert len(third_party.paths("/tag.js")) == 2


def test_reject_never_runs_anything(visit, site, third_party):
    page, requests = visit()
    page.get_by_role("button", name="Reject all").click()
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE}=')")
    assert page.locator("#consent-banner").is_hidden()
    page.goto(site + "/privacy-policy/")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#consent-banner").is_hidden()
    assert_nothing_beyond_the_necessary(page, requests, site, third_party)


def test_withdrawing_stops_the_snippet(visit, site, third_party):
    page, _ = visit()
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.statsRuns === 1")
    assert "_stats" in cookies_of(page)

    # The footer's "Cookie settings" reopens the choices, keyboard first.
    page.get_by_role("link", name="Cookie settings").focus()
    page.keyboard.press("Enter")
    banner = page.locator("#consent-banner")
    banner.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "consent-banner-title"
    assert banner.locator("details").evaluate("d => d.open") is True
    assert banner.get_by_label("Analytics").is_checked()
    with page.expect_navigation():
        banner.get_by_role("button", name="Reject all").click()
    page.wait_for_load_state("networkidle")
    loads = len(third_party.paths("/tag.js"))
    assert page.evaluate("window.statsRuns || 0") == 0
    assert "_stats" not in cookies_of(page)  # the declared cookie was deleted
    page.goto(site + "/privacy-policy/")
    page.wait_for_load_state("networkidle")
    assert len(third_party.paths("/tag.js")) == loads
    assert page.evaluate("window.statsRuns || 0") == 0


def test_one_category_from_the_settings(visit, site, third_party):
    page, _ = visit()
    banner = page.locator("#consent-banner")
    banner.locator("summary").click()
    banner.get_by_label("Marketing").check()
    banner.get_by_role("button", name="Save my choices").click()
    page.wait_for_function("() => document.querySelector('iframe[src]') !== null")
    wait_until(lambda: third_party.paths("/embed/42"))
    assert not third_party.paths("/tag.js")


def test_the_placeholder_offers_consent_in_place(visit, site, third_party):
    page, _ = visit()
    page.get_by_role("button", name="Allow Marketing cookies").click()
    page.wait_for_function("() => document.querySelector('iframe[src]') !== null")
    assert page.locator(".consent-placeholder").count() == 0
    wait_until(lambda: third_party.paths("/embed/42"))
    assert not third_party.paths("/tag.js")


def test_a_forged_cookie_counts_as_no_choice(visit, site, third_party, browser):
    raw = Choice(policy_version=1, consent_id="A" * 22, granted=frozenset({"analytics"}),
                 asked=frozenset({"preferences", "analytics", "marketing"})).encode()
    forged = raw.rsplit(":", 1)[0] + ":forgedsignature"
    context = browser.new_context()
    try:
        context.add_cookies([{"name": COOKIE, "value": forged, "url": site}])
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site + "/")
        page.locator("#consent-banner").wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.statsRuns || 0") == 0
        assert [url for url in requests if not url.startswith(site)] == []
        assert third_party.requests == []
    finally:
        context.close()


def test_global_privacy_control_refuses_analytics_and_marketing(visit, site, third_party):
    page, _ = visit(
        extra_http_headers={"Sec-GPC": "1"},
    )
    page.context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
    )
    page.reload()
    banner = page.locator("#consent-banner")
    banner.wait_for(state="visible")
    assert banner.get_by_text("Your browser is sending it.").is_visible()
    banner.get_by_role("button", name="Accept all").click()
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE}=')")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.statsRuns || 0") == 0
    assert third_party.requests == []


def test_without_javascript_the_form_stores_the_choice(visit, site, third_party):
    page, requests = visit(java_script_enabled=False)
    banner = page.locator("#consent-banner")
    assert banner.is_visible()
    assert page.locator(".consent-placeholder").is_visible()
    banner.get_by_role("button", name="Accept all").click()
    page.wait_for_url(site + "/#consent-saved")
    assert page.locator("#consent-saved").is_visible()
    assert COOKIE in cookies_of(page)
    # No script can run without JavaScript: the third party is never contacted.
    assert [url for url in requests if not url.startswith(site)] == []
    assert third_party.requests == []


def test_google_consent_mode_signals_follow_the_choice(visit, site, third_party):
    from masthead.consent.models import ConsentSettings

    conf = ConsentSettings.defaults()
    conf.google_consent_mode = True
    conf.save()
    page, _ = visit()
    signals = "Array.from(window.dataLayer || [], entry => Array.from(entry))"
    default = page.evaluate(signals)
    assert default[0][:2] == ["consent", "default"]
    assert default[0][2]["analytics_storage"] == "denied"
    assert default[0][2]["ad_user_data"] == "denied" and default[0][2]["ad_storage"] == "denied"
    assert default[1][:2] == ["consent", "update"]  # no choice yet: still denied
    assert default[1][2]["analytics_storage"] == "denied"
    page.locator("#consent-banner summary").click()
    page.get_by_label("Analytics").check()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_function("() => window.statsRuns === 1")
    update = page.evaluate(signals)[-1]
    assert update[:2] == ["consent", "update"]
    assert update[2]["analytics_storage"] == "granted" and update[2]["ad_storage"] == "denied"


def test_notice_only_mode_runs_until_the_reader_opts_out(visit, site, third_party):
    from masthead.consent.models import ConsentSettings

    conf = ConsentSettings.defaults()
    conf.mode = "notice_only"
    conf.save()
    page, _ = visit()
    banner = page.locator("#consent-banner")
    banner.wait_for(state="visible")
    assert "We'll assume you're ok with this" in banner.inner_text()
    page.wait_for_function("() => window.statsRuns === 1")
    with page.expect_navigation():
        banner.get_by_role("button", name="Opt out").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.statsRuns || 0") == 0
    assert banner.is_hidden()


def test_a_new_policy_version_asks_again_and_stops_the_snippets(visit, site, third_party):
    from masthead.consent.models import ConsentSettings

    page, _ = visit()
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => window.statsRuns === 1")
    conf = ConsentSettings.defaults()
    conf.policy_version = 2
    conf.save()
    loads = len(third_party.paths("/tag.js"))
    page.reload()
    page.locator("#consent-banner").wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.statsRuns || 0") == 0
    assert len(third_party.paths("/tag.js")) == loads
