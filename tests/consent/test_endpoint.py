"""The consent endpoint, with and without JavaScript, and what it refuses."""

import hashlib

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.consent.choice import Choice, decode
from masthead.consent.models import Category, ConsentRecord, ConsentSettings

from .conftest import SAME_ORIGIN

COOKIE = django_settings.MASTHEAD_CONSENT["COOKIE_NAME"]
ALL = ["analytics", "marketing", "preferences"]
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def stored(response) -> Choice:
    return decode(response.cookies[COOKIE].value)


def test_accept_without_javascript_stores_the_choice_and_returns_to_the_page(choose):
    response = choose("accept", next="/2024/01/02/story/?page=2")
    assert response.status_code == 303
    assert response["Location"] == "/2024/01/02/story/?page=2#consent-saved"
    choice = stored(response)
    assert sorted(choice.granted) == ALL and sorted(choice.asked) == ALL
    morsel = response.cookies[COOKIE]
    assert morsel["samesite"] == "Lax" and morsel["max-age"] == 180 * 86400
    assert not morsel["httponly"]  # the page's script reads it


def test_reject_grants_nothing(choose):
    assert stored(choose("reject")).granted == frozenset()


def test_save_takes_the_ticked_categories_and_ignores_unknown_ones(choose):
    choice = stored(choose("save", ["analytics", "necessary", "spaceships", "<script>"]))
    assert choice.granted == {"analytics"}


def test_grant_adds_one_category_to_a_standing_choice(choose, client):
    first = stored(choose("save", ["preferences"]))
    second = stored(choose("grant", ["marketing"]))
    assert second.granted == {"preferences", "marketing"}
    assert second.consent_id == first.consent_id


def test_the_log_records_the_choice_as_proof(choose):
    choose("save", ["analytics"], headers={**SAME_ORIGIN, "User-Agent": "Test/1.0"},
           REMOTE_ADDR="203.0.113.77")
    record = ConsentRecord.objects.get()
    assert record.action == "save" and record.categories == ["analytics"]
    assert record.policy_version == 1 and record.mode == "opt_in" and not record.gpc
    assert len(record.consent_id) == 22
    assert record.user_agent_hash == hashlib.sha256(b"Test/1.0").hexdigest()
    assert record.ip_truncated == "203.0.113.0"


def test_ips_are_truncated():
    from masthead.consent.views import truncate_ip

    assert truncate_ip("203.0.113.77") == "203.0.113.0"
    assert truncate_ip("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::"
    assert truncate_ip("not-an-ip") == ""


def test_ip_in_the_log_is_truncated(client):
    client.post("/consent/", {"choice": "accept"}, headers=SAME_ORIGIN, REMOTE_ADDR="198.51.100.9")
    assert ConsentRecord.objects.get().ip_truncated == "198.51.100.0"


def test_gpc_counts_as_a_refusal_of_analytics_and_marketing(choose):
    response = choose("accept", headers={**SAME_ORIGIN, "Sec-GPC": "1"})
    assert stored(response).granted == {"preferences"}
    assert ConsentRecord.objects.get().gpc


def test_json_answer_for_the_script(choose):
    response = choose("save", ["analytics"], json=True)
    assert response.status_code == 200
    body = response.json()
    assert body["choice"]["granted"] == ["analytics"] and body["choice"]["current"]
    assert body["cookie"] == response.cookies[COOKIE].value


def test_the_choice_keeps_its_consent_id_and_a_forged_cookie_gets_a_new_one(choose, client):
    first = stored(choose("accept"))
    assert stored(choose("reject")).consent_id == first.consent_id
    client.cookies[COOKIE] = first.encode()[:-4] + "AAAA"
    assert stored(choose("accept")).consent_id != first.consent_id


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    {"Referer": "https://evil.example/page"},
    {},
])
def test_cross_site_posts_are_refused(choose, headers):
    response = choose("accept", headers=headers)
    assert response.status_code == 403
    assert b"Refused" in response.content
    assert COOKIE not in response.cookies
    assert not ConsentRecord.objects.exists()


def test_a_same_origin_referer_without_origin_is_accepted(choose):
    response = choose("accept", headers={"Referer": "http://testserver/some/page/"})
    assert response.status_code == 303


def test_refusal_as_json(choose):
    response = choose("accept", headers={"Origin": "https://evil.example"}, json=True)
    assert response.status_code == 403 and "another origin" in response.json()["error"]


@pytest.mark.parametrize("choice", ["", "accept-all", "grant-everything", "x" * 200])
def test_an_unknown_choice_is_a_400_with_a_reason(choose, choice):
    response = choose(choice)
    assert response.status_code == 400
    assert b"not understood" in response.content
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:1",
                                    "0", "../admin/", "/\\evil.example"])
def test_next_cannot_leave_the_site(choose, target):
    assert choose("accept", next=target)["Location"] == "/#consent-saved"


def test_get_is_not_allowed(client):
    assert client.get("/consent/").status_code == 405


def test_state_verifies_the_cookie(choose, client):
    choose("save", ["analytics"])
    state = client.get("/consent/state/").json()
    assert state["choice"]["granted"] == ["analytics"] and state["choice"]["current"]
    assert state["cookie"] == client.cookies[COOKIE].value
    assert "no-store" in client.get("/consent/state/")["Cache-Control"]


@pytest.mark.parametrize("raw", ["", "garbage", "1.1.AAAAAAAAAAAAAAAAAAAAAA.analytics.analytics:x",
                                 "\u00e9\u00e9", "1" * 3000])
def test_state_says_no_choice_for_malformed_or_forged_cookies(client, raw):
    client.cookies[COOKIE] = raw
    response = client.get("/consent/state/")
    assert response.status_code == 200 and response.json() == {"choice": None}


def test_a_new_policy_version_or_category_means_the_choice_no_longer_stands(choose, client):
    choose("accept")
    conf = ConsentSettings.defaults()
    conf.policy_version = 2
    conf.save()
    assert client.get("/consent/state/").json()["choice"]["current"] is False
    choose("accept")
    assert client.get("/consent/state/").json()["choice"]["current"] is True
    Category.objects.create(key="social", name="Social media", position=9)
    assert client.get("/consent/state/").json()["choice"]["current"] is False


def test_grant_under_an_old_policy_does_not_carry_old_grants(choose):
    choose("accept")
    conf = ConsentSettings.defaults()
    conf.policy_version = 5
    conf.save()
    choice = stored(choose("grant", ["preferences"]))
    assert choice.granted == {"preferences"} and choice.policy_version == 5


def test_a_flood_of_choices_is_slowed_down(choose, settings):
    from masthead.consent import views

    for _ in range(views.CHOICES_PER_MINUTE):
        assert choose("reject").status_code == 303
    response = choose("reject")
    assert response.status_code == 429 and b"try again in a minute" in response.content
    assert ConsentRecord.objects.count() == views.CHOICES_PER_MINUTE
    # Another network is not affected.
    assert choose("reject", REMOTE_ADDR="198.51.100.7").status_code == 303


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.sampled_from(["accept", "reject", "save", "grant", "", "x"]),
       categories=st.lists(st.text(max_size=40), max_size=5),
       next_url=st.text(max_size=200),
       # What a browser can put in a Cookie header: printable ASCII.
       cookie=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=200))
def test_whatever_is_posted_the_answer_is_a_choice_or_a_reason(client, choice, categories,
                                                               next_url, cookie):
    from django.core.cache import cache

    cache.delete("masthead:consent:rate:127.0.0.0")
    client.cookies[COOKIE] = cookie.replace(";", "").replace("\r", "").replace("\n", "")
    data = {"choice": choice, "category": [c.replace("\x00", "") for c in categories],
            "next": next_url.replace("\x00", "")}
    response = client.post("/consent/", data, headers=SAME_ORIGIN)
    assert response.status_code == (303 if choice in ConsentRecord.Action.values else 400)
    if response.status_code == 303:
        assert response["Location"].startswith("/")
        assert set(stored(response).granted) <= set(ALL)
