"""Forgetting on time: the clean-up command, and its once-a-day opportunistic run."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.consent import housekeeping
from masthead.consent.models import ConsentRecord, ConsentSettings, HousekeepingRun

from .conftest import SAME_ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def old_and_new(make_article):
    now = timezone.now()
    article = make_article()
    comments = {
        age: Comment.objects.create(article=article, author="A", text=f"{age} days",
                                    author_email="a@example.org", author_ip="203.0.113.9",
                                    agent="UA", created_at=now - timedelta(days=age))
        for age in (1, 29, 31, 400)
    }
    records = {
        age: ConsentRecord.objects.create(consent_id=f"{age:022d}", policy_version=1,
                                          action="accept", mode="opt_in",
                                          created_at=now - timedelta(days=age))
        for age in (10, 394, 396)
    }
    return comments, records


def ips(comments):
    return {age: Comment.objects.get(pk=c.pk).author_ip for age, c in comments.items()}


def test_cleanup_forgets_old_ips_and_old_consent_records(old_and_new):
    comments, records = old_and_new
    result = housekeeping.run_cleanup()
    assert result == {"consent_records_deleted": 1, "comment_ips_removed": 2}
    assert ips(comments) == {1: "203.0.113.9", 29: "203.0.113.9", 31: "", 400: ""}
    assert Comment.objects.count() == 4  # the comments themselves stay
    assert set(ConsentRecord.objects.values_list("consent_id", flat=True)) == {
        f"{10:022d}", f"{394:022d}"}


def test_the_retention_periods_come_from_the_settings(old_and_new):
    comments, _ = old_and_new
    conf = ConsentSettings.defaults()
    conf.comment_ip_retention_days = 7
    conf.log_retention_days = 5
    conf.save()
    result = housekeeping.run_cleanup()
    assert result == {"consent_records_deleted": 3, "comment_ips_removed": 3}
    assert ips(comments)[1] == "203.0.113.9"


def test_the_command_reports_what_it_did(old_and_new, capsys):
    call_command("privacy_cleanup")
    out = capsys.readouterr().out
    assert "older than 395 days deleted: 1" in out
    assert "older than 30 days removed: 2" in out


def test_the_opportunistic_run_happens_once_a_day(old_and_new):
    now = timezone.now()
    assert housekeeping.run_if_due(now) is True
    assert HousekeepingRun.objects.get().last_run == now
    # The same process within the hour: not even a database check.
    assert housekeeping.run_if_due(now) is False
    # Another process (its own cache), the same day: the database says it is done.
    cache.delete(housekeeping.CHECK_KEY)
    assert housekeeping.run_if_due(now + timedelta(hours=5)) is False
    cache.delete(housekeeping.CHECK_KEY)
    assert housekeeping.run_if_due(now + timedelta(days=1, minutes=1)) is True


def test_a_consent_choice_triggers_it(old_and_new, client):
    comments, _ = old_and_new
    client.post("/consent/", {"choice": "reject"}, headers=SAME_ORIGIN)
    assert ips(comments)[31] == ""
    assert HousekeepingRun.objects.exists()


def test_a_new_comment_triggers_it(old_and_new, django_capture_on_commit_callbacks):
    comments, _ = old_and_new
    article = comments[1].article
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Comment.objects.create(article=article, author="B", text="new", author_ip="1.2.3.4")
    assert housekeeping.run_if_due in callbacks
    assert ips(comments)[31] == ""


def test_a_failing_cleanup_never_fails_the_request(old_and_new, client, monkeypatch, caplog):
    def broken(now=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(housekeeping, "run_cleanup", broken)
    response = client.post("/consent/", {"choice": "reject"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert "privacy clean-up failed" in caplog.text
