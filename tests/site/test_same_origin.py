"""The one same-origin check, and both endpoints that rely on it (comment form, cookie banner)."""

import pytest
from django.test import Client, RequestFactory

from masthead.comments.models import Comment
from masthead.consent.models import ConsentRecord
from masthead.newsroom.models import Article
from masthead.site.same_origin import cross_site_reason
from tests.antispam.conftest import quick_filter  # noqa: F401  (the comment fixtures need it)
from tests.comments.conftest import BROWSER_UA, article, discussion  # noqa: F401

ACCEPTED = [
    {"Origin": "http://testserver"},
    {"Origin": "HTTP://TestServer"},
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    {"Referer": "http://testserver/2024/01/01/story/"},
    {"Origin": "https://www.trusted.example"},  # in CSRF_TRUSTED_ORIGINS (with a trailing slash)
]
REFUSED = [
    {},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"},
    {"Referer": "https://evil.example/page"},
    {"Referer": "not a url"},
    {"Referer": "ftp://testserver/file"},
    {"Referer": "http://[::1"},  # urlsplit raises on it
    {"Origin": "http://testserver.evil.example"},
]


@pytest.fixture(autouse=True)
def trusted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.trusted.example/"]


def post_with(headers):
    return RequestFactory().post("/", headers=headers)


@pytest.mark.parametrize("headers", ACCEPTED)
def test_own_pages_pass(headers):
    assert cross_site_reason(post_with(headers)) is None


@pytest.mark.parametrize("headers", REFUSED)
def test_other_sites_and_silent_requests_are_refused_with_a_reason(headers):
    reason = cross_site_reason(post_with(headers))
    assert isinstance(reason, str) and reason.endswith(".")


def test_the_origin_follows_the_scheme_the_request_came_in_by():
    secure = RequestFactory().post("/", headers={"Origin": "https://testserver"}, secure=True)
    assert cross_site_reason(secure) is None
    plain = RequestFactory().post("/", headers={"Origin": "https://testserver"})
    assert cross_site_reason(plain) is not None


def _post_comment(headers):
    data = {"comment": "A remark on the ferry timetable for the origin check.", "author": "Jo",
            "email": "jo@example.org", "comment_post_ID": Article.objects.get().pk}
    return Client(enforce_csrf_checks=True).post(
        "/comments/post/", data, headers={"User-Agent": BROWSER_UA, **headers})


@pytest.mark.usefixtures("article")  # the comments tests' open article
@pytest.mark.parametrize("headers,allowed", [(h, True) for h in ACCEPTED]
                         + [(h, False) for h in REFUSED])
def test_comment_form_and_cookie_banner_apply_the_same_rule(headers, allowed):
    assert _post_comment(headers).status_code == (303 if allowed else 403)
    assert Comment.objects.exists() is allowed
    consent = Client().post("/consent/", {"choice": "accept"}, headers=headers)
    assert consent.status_code == (303 if allowed else 403)
    assert ConsentRecord.objects.exists() is allowed
