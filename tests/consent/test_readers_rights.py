"""Readers' rights: export and erase a person's data, from the command line and the admin."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.consent import personal_data
from masthead.consent.models import ConsentRecord, PrivacyRequest
from masthead.jobs.worker import run_ready_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
CONSENT_ID = "Abcdefghijklmnopqrstuv"


@pytest.fixture
def reader_data(make_article):
    article = make_article(title="Harbour reopens")
    mine = [
        Comment.objects.create(article=article, author="Rosa Reader", text="First!",
                               author_email="rosa@example.org", author_url="https://rosa.example",
                               author_ip="203.0.113.5", agent="Firefox/130", status="approved"),
        Comment.objects.create(article=article, author="Rosa", text="Second thoughts",
                               author_email="ROSA@Example.org", author_ip="203.0.113.6",
                               agent="Firefox/131"),
    ]
    other = Comment.objects.create(article=article, author="Sam", text="Hello",
                                   author_email="sam@example.org", author_ip="198.51.100.1")
    ConsentRecord.objects.create(consent_id=CONSENT_ID, policy_version=1, action="accept",
                                 categories=["analytics"], mode="opt_in",
                                 ip_truncated="203.0.113.0")
    ConsentRecord.objects.create(consent_id="Zyxwvutsrqponmlkjihgfe", policy_version=1,
                                 action="reject", mode="opt_in")
    return mine, other


def test_export_finds_comments_by_email_in_any_case_and_consent_records_by_id(reader_data):
    data = personal_data.export_personal_data("rosa@example.org", [CONSENT_ID])
    comments = data["data"]["comments"]["items"]
    assert [c["text"] for c in comments] == ["First!", "Second thoughts"]
    assert comments[0]["author_ip"] == "203.0.113.5" and comments[0]["user_agent"] == "Firefox/130"
    assert comments[0]["article"] == "Harbour reopens"
    assert comments[0]["author_url"] == "https://rosa.example"
    records = data["data"]["consent_log"]["items"]
    assert [r["consent_id"] for r in records] == [CONSENT_ID]
    assert data["request"]["email"] == "rosa@example.org"
    json.dumps(data)  # JSON-ready


def test_erase_anonymises_comments_as_wordpress_does(reader_data):
    (first, second), other = reader_data
    result = personal_data.erase_personal_data("rosa@example.org", [CONSENT_ID])
    assert result["comments"]["anonymised"] == 2 and result["comments"]["retained"]
    assert result["consent_log"]["removed"] == 1
    first.refresh_from_db()
    assert (first.author, first.author_email, first.author_url, first.author_ip, first.agent) == \
        ("Anonymous", "", "", "", "")
    assert first.text == "First!"
    other.refresh_from_db()
    assert other.author_email == "sam@example.org" and other.author_ip == "198.51.100.1"
    assert ConsentRecord.objects.count() == 1
    assert personal_data.export_personal_data("rosa@example.org")["data"]["comments"]["items"] == []


def test_erase_can_delete_the_comments_too(reader_data):
    (first, _), other = reader_data
    result = personal_data.erase_personal_data("rosa@example.org", delete_content=True)
    assert result["comments"]["removed"] == 2
    assert list(Comment.objects.all()) == [other]


def test_staff_accounts_are_exported_but_kept(role_users):
    editor = role_users["Editor"]
    data = personal_data.export_personal_data(editor.email)
    account = data["data"]["accounts"]["items"][0]
    assert account["username"] == "editor" and account["byline"]["display_name"] == "Editor Person"
    result = personal_data.erase_personal_data(editor.email)
    assert "kept" in result["accounts"]["retained"][0]
    editor.refresh_from_db()
    assert editor.is_active


@pytest.mark.parametrize("email, ids, message", [
    ("not-an-email", [], "is not an e-mail address"),
    ("", [], "is not an e-mail address"),
    ("rosa@example.org", ["short"], "is not a consent id"),
    ("rosa@example.org", ["x" * 21 + "!"], "is not a consent id"),
])
def test_bad_requests_are_refused_with_a_reason(email, ids, message):
    with pytest.raises(ValueError, match=message):
        personal_data.export_personal_data(email, ids)
    with pytest.raises(ValueError, match=message):
        personal_data.erase_personal_data(email, ids)


def test_export_command(reader_data, capsys, tmp_path):
    call_command("privacy_export", "rosa@example.org", "--consent-id", CONSENT_ID)
    data = json.loads(capsys.readouterr().out)
    assert len(data["data"]["comments"]["items"]) == 2
    out = tmp_path / "rosa.json"
    call_command("privacy_export", "rosa@example.org", "-o", str(out))
    assert json.loads(out.read_text())["request"]["email"] == "rosa@example.org"
    assert PrivacyRequest.objects.filter(kind="export", requested_by="command line").count() == 2


def test_erase_command_is_a_dry_run_without_yes(reader_data, capsys):
    call_command("privacy_erase", "rosa@example.org")
    out = capsys.readouterr().out
    assert "Comments: 2" in out and "--yes" in out
    assert Comment.objects.filter(author_email__iexact="rosa@example.org").count() == 2
    call_command("privacy_erase", "rosa@example.org", "--consent-id", CONSENT_ID, "--yes")
    out = capsys.readouterr().out
    assert "comments: 0 removed, 2 anonymised" in out and "consent_log: 1 removed" in out
    assert not Comment.objects.filter(author_email__iexact="rosa@example.org").exists()
    assert PrivacyRequest.objects.get(kind="erase").summary["comments"]["anonymised"] == 2


@pytest.mark.parametrize("command", ["privacy_export", "privacy_erase"])
def test_commands_refuse_bad_input_in_one_line(command):
    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command(command, "nobody")


def test_the_masthead_command_exits_non_zero_with_one_line(tmp_path, monkeypatch, capsys):
    from masthead.cli import main

    monkeypatch.setenv("MASTHEAD_DATA_DIR", str(tmp_path))
    assert main(["--data-dir", str(tmp_path), "privacy-export", "not-an-email"]) == 2
    assert capsys.readouterr().err == \
        "masthead privacy-export: 'not-an-email' is not an e-mail address\n"


# -- the admin ---------------------------------------------------------------------------------

TOOLS = "/admin/consent/privacyrequest/tools/"


def test_admin_export_is_prepared_by_a_job_then_downloads_json(
        client, role_users, reader_data, settings, tmp_path, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.DATA_DIR = tmp_path
    client.force_login(role_users["Administrator"])
    DBTaskResult.objects.all().delete()  # the fixtures' saves queued related-list jobs
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TOOLS, {"email": "rosa@example.org", "consent_ids": CONSENT_ID,
                                       "action": "export"})
    # The request only queues the work.
    assert response.status_code == 302
    privacy_request = PrivacyRequest.objects.get()
    assert privacy_request.requested_by == "administrator"
    assert privacy_request.state == "preparing"
    listing = client.get("/admin/consent/privacyrequest/").content.decode()
    assert "being prepared" in listing and "/download/" not in listing
    download = f"/admin/consent/privacyrequest/{privacy_request.pk}/download/"
    assert client.get(download).status_code == 404

    assert run_ready_jobs() == 1
    privacy_request.refresh_from_db()
    assert privacy_request.state == "ready"
    assert privacy_request.summary["comments"] == 2
    assert download in client.get("/admin/consent/privacyrequest/").content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == \
        'attachment; filename="personal-data-rosa@example.org.json"'
    data = json.loads(b"".join(response.streaming_content))
    assert len(data["data"]["comments"]["items"]) == 2
    assert len(data["data"]["consent_log"]["items"]) == 1
    # Nowhere public: the file lives in the data dir's private folder, not under media.
    assert (tmp_path / "private" / "privacy-exports" / f"{privacy_request.pk}.json").exists()


def test_only_administrators_download_exports(client, role_users, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    privacy_request = PrivacyRequest.objects.create(kind="export", email="rosa@example.org")
    client.force_login(role_users["Editor"])
    response = client.get(f"/admin/consent/privacyrequest/{privacy_request.pk}/download/")
    assert response.status_code == 302


def test_admin_erase_asks_for_confirmation_first(client, role_users, reader_data):
    client.force_login(role_users["Administrator"])
    form = {"email": "rosa@example.org", "consent_ids": CONSENT_ID, "action": "erase"}
    preview = client.post(TOOLS, form)
    assert b"Erase this reader" in preview.content and b"Comments: 2" in preview.content
    assert Comment.objects.filter(author_email__iexact="rosa@example.org").count() == 2
    done = client.post(TOOLS, {**form, "confirmed": "yes"}, follow=True)
    assert b"2 anonymised" in done.content
    assert not Comment.objects.filter(author_email__iexact="rosa@example.org").exists()
    assert not ConsentRecord.objects.filter(consent_id=CONSENT_ID).exists()


def test_admin_tools_show_form_errors(client, role_users):
    client.force_login(role_users["Administrator"])
    response = client.post(TOOLS, {"email": "nope", "consent_ids": "bad id", "action": "export"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert b"is not a consent id" in response.content


def test_only_administrators_reach_the_tools(client, role_users):
    client.force_login(role_users["Editor"])
    response = client.get(TOOLS)
    assert response.status_code == 302
    assert client.get("/admin/consent/consentrecord/").status_code == 403


def test_comments_source_is_skipped_without_the_comments_model(monkeypatch):
    from masthead.consent.sources import comments

    monkeypatch.setattr(comments, "comment_model", lambda: None)
    data = personal_data.export_personal_data("rosa@example.org")
    assert "comments" not in data["data"]


def test_old_comment_data_is_exported_too(make_article):
    article = make_article()
    Comment.objects.create(article=article, author="Old", text="Years ago",
                           author_email="old@example.org",
                           created_at=timezone.now() - timedelta(days=3000))
    items = personal_data.export_personal_data("old@example.org")["data"]["comments"]["items"]
    assert items[0]["text"] == "Years ago"
