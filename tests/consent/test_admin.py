"""Consent in the admin: the settings row, snippets, categories and the consent log's CSV."""

import csv
import io

import pytest

from masthead.consent.models import Category, ConsentRecord, ConsentSettings, Snippet

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, role_users):
    client.force_login(role_users["Administrator"])
    return client


def test_the_settings_are_one_row_created_from_the_defaults(admin_client):
    response = admin_client.get("/admin/consent/consentsettings/")
    conf = ConsentSettings.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/consent/consentsettings/{conf.pk}/change/"
    assert admin_client.get(response["Location"]).status_code == 200
    assert admin_client.get("/admin/consent/consentsettings/").status_code == 302
    assert ConsentSettings.objects.count() == 1


def test_administrators_edit_the_settings(admin_client):
    url = admin_client.get("/admin/consent/consentsettings/")["Location"]
    response = admin_client.post(url, {
        "mode": "notice_only", "banner_text": "", "policy_page_slug": "privacy-policy",
        "policy_version": "2", "google_consent_mode": "on", "choice_max_age_days": "90",
        "log_retention_days": "365", "comment_ip_retention_days": "14",
    })
    assert response.status_code == 302
    conf = ConsentSettings.current()
    assert conf.mode == "notice_only" and conf.policy_version == 2 and conf.google_consent_mode
    bad = admin_client.post(url, {"mode": "sometimes", "policy_version": "0",
                                  "policy_page_slug": "privacy-policy",
                                  "choice_max_age_days": "0", "log_retention_days": "-1",
                                  "comment_ip_retention_days": "x"})
    assert bad.status_code == 200 and b"errornote" in bad.content


def snippet_form(**fields):
    data = {"name": "Tag", "category": Category.objects.get(key="analytics").pk,
            "code": '<script src="https://t.example/t.js"></script>', "placement": "head",
            "enabled": "on", "provider": "", "cookies": "_t", "position": "0"}
    data.update(fields)
    return data


def test_adding_a_snippet_in_the_admin(admin_client):
    response = admin_client.post("/admin/consent/snippet/add/", snippet_form())
    assert response.status_code == 302
    snippet = Snippet.objects.get()
    assert f'data-consent-snippet="{snippet.pk}"' in snippet.inert_html
    page = admin_client.get(f"/admin/consent/snippet/{snippet.pk}/change/").content.decode()
    assert "t.example" in page and "data-consent-src" in page


@pytest.mark.parametrize("fields, message", [
    ({"code": ""}, "This field is required"),
    ({"code": '<iframe src="https://v.example/1"></iframe>'}, "choose Body"),
    ({"cookies": "_ga, bad cookie;"}, "Not a cookie name"),
    ({"category": "1"}, "Select a valid choice"),  # the necessary category is not offered
])
def test_bad_snippets_are_refused_with_a_reason(admin_client, fields, message):
    response = admin_client.post("/admin/consent/snippet/add/", snippet_form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Snippet.objects.exists()


def test_renaming_a_category_key_updates_its_snippets(admin_client):
    snippet = Snippet.objects.create(name="Tag", category=Category.objects.get(key="analytics"),
                                     code="<script>x()</script>")
    category = snippet.category
    category.key = "statistics"
    category.save()
    snippet.refresh_from_db()
    assert 'data-consent-category="statistics"' in snippet.inert_html


def test_the_necessary_category_cannot_be_deleted(admin_client):
    necessary = Category.objects.get(key="necessary")
    assert admin_client.get(f"/admin/consent/category/{necessary.pk}/delete/").status_code == 403


def test_the_consent_log_exports_as_csv(admin_client):
    for i, action in enumerate(["accept", "reject", "save"]):
        ConsentRecord.objects.create(consent_id=f"{i:022d}", policy_version=1, action=action,
                                     categories=["analytics"] if action != "reject" else [],
                                     mode="opt_in", ip_truncated="203.0.113.0")
    response = admin_client.get("/admin/consent/consentrecord/export.csv?action__exact=reject")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["consent_id", "created_at", "action", "categories"]
    assert [r[2] for r in rows[1:]] == ["reject"]
    everything = admin_client.post("/admin/consent/consentrecord/", {
        "action": "export_csv", "_selected_action": list(
            ConsentRecord.objects.values_list("pk", flat=True)),
    })
    assert len(b"".join(everything.streaming_content).decode().strip().splitlines()) == 4
    page = admin_client.get("/admin/consent/consentrecord/").content.decode()
    assert "Export these records as CSV" in page


def test_the_consent_log_is_read_only(admin_client):
    record = ConsentRecord.objects.create(consent_id="a" * 22, policy_version=1, action="accept",
                                          mode="opt_in")
    assert admin_client.get("/admin/consent/consentrecord/add/").status_code == 403
    response = admin_client.post(f"/admin/consent/consentrecord/{record.pk}/change/",
                                 {"action": "reject"})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page=", "page=abc", "nonsense=1"])
def test_csv_export_with_a_filter_the_log_does_not_have_is_a_redirect_not_a_500(admin_client,
                                                                                query):
    response = admin_client.get(f"/admin/consent/consentrecord/export.csv?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/consent/consentrecord/")
