"""What every public page carries: the banner, the inert snippets, the footer link; the same bytes
for every reader, in a fixed number of queries; and the generated part of the policy page."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.consent.models import ConsentSettings, Snippet

from .conftest import ANALYTICS_CODE

COOKIE = django_settings.MASTHEAD_CONSENT["COOKIE_NAME"]
pytestmark = pytest.mark.django_db


def config_of(html: str) -> dict:
    match = re.search(r'<script id="consent-config" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_every_page_carries_the_banner_footer_link_and_script(client, make_article):
    article = make_article()
    for url in ["/", article.get_absolute_url(), "/privacy-policy/", "/no-such-page/"]:
        html = client.get(url).content.decode()
        assert 'id="consent-banner"' in html and 'aria-labelledby="consent-banner-title"' in html
        assert '<a href="/consent/settings/" data-consent-open>Cookie settings</a>' in html
        assert "/static/consent/consent.js" in html


def test_the_banner_form_works_without_javascript(client):
    html = client.get("/").content.decode()
    start = html.index('<form class="consent-form"')
    form = html[start:html.index("</form>", start)]
    assert 'method="post" action="/consent/"' in form
    assert 'name="next" value="/"' in form
    for value, label in [("accept", "Accept all"), ("reject", "Reject all"),
                         ("save", "Save my choices")]:
        assert f'name="choice" value="{value}" class="consent-button">{label}</button>' in form
    assert "<summary>Settings</summary>" in form
    assert 'href="/privacy-policy/">Read More</a>' in form
    assert "csrfmiddlewaretoken" not in html
    for key in ["preferences", "analytics", "marketing"]:
        assert f'name="category" value="{key}"' in form
        assert f'<label for="consent-banner-{key}">' in form
    assert 'id="consent-banner-necessary" aria-describedby="consent-banner-necessary-about" ' \
           "checked disabled>" in form
    assert "Global Privacy Control" in form
    assert "<noscript><style>.consent-banner { display: block; }</style></noscript>" in html


def test_snippets_are_inert_in_the_page(client, analytics_snippet, video_snippet):
    html = client.get("/").content.decode()
    snippets = html[html.index('<div class="consent-snippets">'):]
    assert 'type="text/plain" data-consent-category="analytics" async ' \
           'data-consent-src="https://stats.example.net/tag.js?id=1"' in snippets
    assert "pixel.gif" not in html  # the <noscript> fallback would track readers without JS
    assert not re.search(r'<script(?![^>]*type="text/plain")[^>]*\ssrc="https?://', html)
    assert not re.search(r'<iframe[^>]*\ssrc=', html)
    assert "data-consent-src=&quot;https://video.example.com/embed/42&quot;" in snippets
    assert "is blocked" in snippets and 'data-consent-allow="marketing"' in snippets


def test_disabled_snippets_are_not_in_the_page(client, analytics_snippet):
    analytics_snippet.enabled = False
    analytics_snippet.save()
    assert "stats.example.net" not in client.get("/").content.decode()


def test_the_script_config_names_what_it_needs(client, analytics_snippet):
    config = config_of(client.get("/").content.decode())
    assert config["categories"] == ["preferences", "analytics", "marketing"]
    assert config["gpcRefused"] == ["analytics", "marketing"]
    assert config["cookies"]["analytics"] == ["_stats", "_stats_id"]
    assert config["policyVersion"] == 1 and config["mode"] == "opt_in"
    assert config["chooseUrl"] == "/consent/" and config["stateUrl"] == "/consent/state/"
    assert config["googleConsentMode"] is False


def test_settings_from_the_admin_reach_the_page(client):
    conf = ConsentSettings.defaults()
    conf.mode = "notice_only"
    conf.google_consent_mode = True
    conf.policy_version = 4
    conf.save()
    html = client.get("/").content.decode()
    assert "We&#x27;ll assume you&#x27;re ok with this, but you can opt-out if you wish." in html
    assert ">Accept</button>" in html and ">Opt out</button>" in html
    config = config_of(html)
    assert config["mode"] == "notice_only" and config["policyVersion"] == 4
    assert config["googleConsentMode"] is True
    assert config["googleSignals"]["analytics"] == ["analytics_storage"]
    conf.banner_text = "Our own words about cookies."
    conf.save()
    assert "Our own words about cookies." in client.get("/").content.decode()


def test_settings_default_from_the_environment(settings):
    settings.MASTHEAD_CONSENT = {**settings.MASTHEAD_CONSENT, "MODE": "notice_only",
                                 "COMMENT_IP_RETENTION_DAYS": 7, "GOOGLE_CONSENT_MODE": True}
    conf = ConsentSettings.current()
    assert conf.pk is None and conf.mode == "notice_only"
    assert conf.comment_ip_retention_days == 7 and conf.google_consent_mode
    settings.MASTHEAD_CONSENT = {**settings.MASTHEAD_CONSENT, "MODE": "bogus"}
    assert ConsentSettings.current().mode == "opt_in"


def test_pages_are_the_same_bytes_for_every_reader(client, make_article, analytics_snippet,
                                                   choose):
    from django.test import Client

    article = make_article()
    url = article.get_absolute_url()
    first = Client().get(url).content
    choose("accept")  # `client` now holds a real consent cookie
    assert client.get(url).content == first
    forged = Client()
    forged.cookies[COOKIE] = "1.1.AAAAAAAAAAAAAAAAAAAAAA.analytics.analytics:forged"
    assert forged.get(url).content == first
    assert Client().get(url, headers={"Sec-GPC": "1"}).content == first
    response = Client().get(url)
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert not response.cookies


def test_the_consent_furniture_costs_a_fixed_number_of_queries(client, category):
    def queries(url):
        client.get(url)  # warm anything lazily cached elsewhere
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = {url: queries(url) for url in ["/", "/privacy-policy/", "/consent/settings/"]}
    for i in range(6):
        Snippet.objects.create(name=f"Tag {i}", category=category("analytics"),
                               code=ANALYTICS_CODE, cookies=f"_t{i}")
    after = {url: queries(url) for url in before}
    assert after == before


def test_the_policy_page_lists_what_the_site_really_uses(client, analytics_snippet,
                                                         video_snippet):
    html = client.get("/privacy-policy/").content.decode()
    generated = html[html.index('<section class="consent-policy"'):]
    for cookie in ["masthead_consent", "csrftoken", "sessionid", "_stats", "_stats_id"]:
        assert f"<code>{cookie}</code>" in generated
    for heading in ["Necessary (always on)", "Preferences", "Analytics", "Marketing"]:
        assert heading in generated
    assert "<strong>Stats</strong>, run by Stats Inc.; loads from stats.example.net" in generated
    assert "<strong>Harbour film</strong>; loads from video.example.com" in generated
    assert "kept for 395 days" not in generated and "395 days" in generated
    # The editors' text stays above the generated list.
    assert html.index("Editors: add your own text here") < html.index("consent-policy")


def test_the_policy_list_follows_the_configuration(client, analytics_snippet):
    assert "_stats" in client.get("/privacy-policy/").content.decode()
    analytics_snippet.delete()
    assert "_stats" not in client.get("/privacy-policy/").content.decode()


def test_other_pages_carry_no_policy_list(client):
    from masthead.newsroom.models import Page

    assert "consent-policy" not in client.get("/about/").content.decode()
    Page.objects.filter(slug="about").update(slug="cookies")
    conf = ConsentSettings.defaults()
    conf.policy_page_slug = "cookies"
    conf.save()
    assert "consent-policy" in client.get("/cookies/").content.decode()
    assert 'href="/cookies/">Read More' in client.get("/").content.decode()


def test_the_cookie_settings_page(client):
    response = client.get("/consent/settings/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Cookie settings</h1>" in html
    assert 'id="consent-banner"' not in html  # the page is the settings itself
    assert 'name="next" value="/consent/settings/"' in html
    assert 'id="consent-page-analytics"' in html and "data-consent-id" in html
    assert "consent.js" in html


def test_editors_place_the_generated_list_inside_their_text(client):
    from masthead.newsroom.models import Page

    page = Page.objects.get(slug="privacy-policy")
    page.body = "Our introduction.\n\n[cookie-list]\n\n## Contact\n\nWrite to the editors."
    page.save()
    html = client.get("/privacy-policy/").content.decode()
    assert "[cookie-list]" not in html
    assert html.index("Our introduction.") < html.index('class="consent-policy"') \
        < html.index("Write to the editors.") < html.index("Last updated")
    about = Page.objects.get(slug="about")
    about.body = "Before.\n\n[cookie-list]\n\nAfter."
    about.save()
    html = client.get("/about/").content.decode()
    assert "Before." in html and "After." in html and "consent-policy" not in html


def test_the_comment_forms_cookie_is_declared_as_a_preference(client):
    html = client.get("/privacy-policy/").content.decode()
    preferences = html[html.index('id="cookies-preferences"'):html.index('id="cookies-analytics"')]
    assert "<code>comment_author</code>" in preferences
    assert config_of(html)["cookies"]["preferences"] == ["comment_author"]
