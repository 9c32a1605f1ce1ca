"""The headers a public site should send, scored by MDN HTTP Observatory's rules (observatory.py):
A+ for the public pages, at least A for the admin."""

import pytest
from django.test import Client

from tests.site import observatory

pytestmark = pytest.mark.django_db
PROXY = {"REMOTE_ADDR": "10.0.0.1", "HTTP_HOST": "news.example.org"}


@pytest.fixture
def behind_tls_proxy(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True


def _score(path, client=None):
    client = client or Client()
    https = client.get(path, HTTP_X_FORWARDED_PROTO="https", **PROXY)
    http = Client().get(path, HTTP_X_FORWARDED_PROTO="http", **PROXY)
    return https, observatory.score(https, http, "news.example.org")


@pytest.mark.parametrize("path", ["/", "/search/?q=harbour", "ARTICLE", "/no-such-page/"])
def test_public_pages_score_a_plus(behind_tls_proxy, make_article, path):
    article = make_article(title="Harbour story", body="| a | b |\n|--:|:--|\n| 1 | 2 |")
    response, result = _score(article.get_absolute_url() if path == "ARTICLE" else path)
    assert response.status_code in (200, 404)
    assert result.grade == "A+", result.results
    assert result.results["csp-implemented-with-unsafe-inline-in-style-src-only"] == 0
    policy = observatory.parse_csp(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_scores_at_least_a(behind_tls_proxy, admin_user):
    login, result = _score("/admin/login/")
    assert result.grade in ("A+", "A"), result.results
    cookie = login.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    staff = Client()
    staff.force_login(admin_user)
    staff.cookies["sessionid"]["secure"] = True
    page, result = _score("/admin/", staff)
    assert page.status_code == 200
    assert result.grade in ("A+", "A"), result.results


def test_session_cookie_is_secure_and_httponly_over_https(behind_tls_proxy, admin_user):
    client = Client()
    response = client.post("/admin/login/", {"username": admin_user.username,
                                             "password": "password"},
                           HTTP_X_FORWARDED_PROTO="https", **PROXY)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_no_hsts_or_secure_cookies_over_plain_http(db):
    response = Client().get("/admin/login/")
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["csrftoken"]["secure"]
    assert response["Content-Security-Policy"]


def test_the_scoring_fails_a_bare_site():
    """Without the headers (a stock Django response) the same scoring gives a failing grade."""
    from django.http import HttpResponse

    bare = HttpResponse("hi")
    bare.set_cookie("sessionid", "x")
    http = HttpResponse("hi")
    result = observatory.score(bare, http, "news.example.org")
    assert result.grade == "F", result.results
    assert observatory.csp_result("default-src 'self'; script-src 'self' 'unsafe-inline'")[1] == -20
    assert observatory.csp_result("script-src 'self' https:")[1] == -20
    assert observatory.csp_result("default-src 'none'; script-src 'self'")[1] == 10
