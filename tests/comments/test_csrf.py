"""CSRF for a form on a cacheable page: a fetched token with JavaScript, the Origin without."""

import pytest
from django.test import Client

from masthead.comments.models import Comment
from tests.comments.conftest import BROWSER_UA


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def form(article, **extra):
    return {"comment": "Checking the CSRF defence works.", "author": "Jo",
            "email": "jo@example.org", "comment_post_ID": article.pk, **extra}


def test_same_origin_post_without_token_is_accepted(strict, article):
    response = strict.post("/comments/post/", form(article), HTTP_ORIGIN="http://testserver",
                           HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 303
    assert Comment.objects.count() == 1


def test_referer_stands_in_for_a_missing_origin(strict, article):
    response = strict.post("/comments/post/", form(article), HTTP_USER_AGENT=BROWSER_UA,
                           HTTP_REFERER="http://testserver/2024/01/01/story/")
    assert response.status_code == 303


@pytest.mark.parametrize("headers", [
    {},
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_REFERER": "https://evil.example/page"},
    {"HTTP_REFERER": "not a url"},
])
def test_cross_site_or_unknown_origin_is_refused(strict, article, headers):
    response = strict.post("/comments/post/", form(article), **headers)
    assert response.status_code == 403
    assert "did not come from a page on this site" in response.content.decode()
    assert not Comment.objects.exists()


def test_token_from_the_endpoint_lets_a_script_post(strict, article):
    token = strict.get("/comments/token/")
    assert token["Cache-Control"].startswith("max-age=0")
    data = token.json()
    assert data["csrfToken"] and data["formOpened"]
    response = strict.post("/comments/post/", form(article, form_opened=data["formOpened"]),
                           HTTP_X_CSRFTOKEN=data["csrfToken"], HTTP_ACCEPT="application/json",
                           HTTP_ORIGIN="http://testserver", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 201, response.content
    assert Comment.objects.count() == 1


def test_a_valid_token_does_not_let_another_origin_post(strict, article):
    # Django's own check compares the Origin too, so a token is no pass for a cross-site page.
    data = strict.get("/comments/token/").json()
    response = strict.post("/comments/post/", form(article, form_opened=data["formOpened"]),
                           HTTP_X_CSRFTOKEN=data["csrfToken"], HTTP_ACCEPT="application/json",
                           HTTP_ORIGIN="https://evil.example", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 403
    assert "expired or came from another site" in response.json()["errors"][0]
    assert not Comment.objects.exists()


def test_token_post_from_the_same_site(strict, article):
    data = strict.get("/comments/token/").json()
    response = strict.post("/comments/post/", form(article, form_opened=data["formOpened"]),
                           HTTP_X_CSRFTOKEN=data["csrfToken"], HTTP_ACCEPT="application/json",
                           HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert not any(r["signal"] == "no form timestamp" for r in comment.spam_reasons)


def test_wrong_token_is_refused(strict, article):
    strict.get("/comments/token/")
    response = strict.post("/comments/post/", form(article), HTTP_X_CSRFTOKEN="x" * 32,
                           HTTP_ACCEPT="application/json", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 403
    assert "expired or came from another site" in response.json()["errors"][0]
    assert not Comment.objects.exists()


def test_token_without_the_cookie_is_refused(article):
    token = Client().get("/comments/token/").json()["csrfToken"]
    response = Client(enforce_csrf_checks=True).post(
        "/comments/post/", form(article), HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
