"""Login throttling (django-axes): wrong passwords lock out that user name from that address,
with a clear message, a log line and an admin entry to unlock."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password, address):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_lockout_after_repeated_failures_even_with_the_right_password(admin_user, settings,
                                                                      caplog):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    with caplog.at_level(logging.WARNING, logger="axes"):
        answers = [_sign_in(client, "admin", f"wrong-{i}", "198.51.100.7").status_code
                   for i in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    refused = _sign_in(client, "admin", "password", "198.51.100.7")
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert "After 5 wrong passwords" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("lock" in r.getMessage().lower() for r in caplog.records)
    # Another address, or another account, is not locked out.
    assert _sign_in(Client(), "admin", "password", "203.0.113.9").status_code == 302


def test_the_address_comes_through_trusted_proxies(admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    for reader in ("198.51.100.1", "198.51.100.1"):
        client.post("/admin/login/", {"username": "admin", "password": "no"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=reader)
    other_reader = client.post("/admin/login/?next=/admin/",
                               {"username": "admin", "password": "password"},
                               REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other_reader.status_code == 302
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]


def test_an_administrator_unlocks_in_the_admin(admin_user, django_user_model, settings):
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    django_user_model.objects.create_user("editor", password="right-password-123", is_staff=True)
    client = Client()
    for _ in range(2):
        _sign_in(client, "editor", "wrong", "198.51.100.7")
    assert _sign_in(client, "editor", "right-password-123", "198.51.100.7").status_code == 429
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "editor" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="editor")
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert _sign_in(client, "editor", "right-password-123", "198.51.100.7").status_code == 302
