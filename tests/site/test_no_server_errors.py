"""No input gets a 500: the causes found by fuzzing, the site's own error pages, and a
hypothesis fuzz over every URL pattern and the public forms."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/9999/", "/9999/12/", "/9999/12/31/", "/0000/", "/2023/02/30/",
                                  "/2023/13/", "/9999/12/31/some-story/"])
def test_impossible_dates_are_404(db, anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_last_possible_search_date_is_a_form_error(db, anonymous):
    response = anonymous.get("/search/", {"q": "x", "until": "9999-12-31"})
    assert response.status_code == 400
    assert "Give a date before the year 9999 ends." in response.content.decode()


def test_overlong_media_name_is_404(db, anonymous, settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    assert anonymous.get("/media/" + "a" * 300 + ".jpg").status_code == 404
    assert anonymous.get("/media/" + "a/" * 3000).status_code == 404


@pytest.mark.parametrize("path, status, message", [
    ("/comments/post/", 400, "forms must be sent as UTF-8"),
    ("/admin/login/", 400, "forms must be sent as UTF-8"),
    ("/search/", 400, "forms must be sent as UTF-8"),
    # consent checks the origin before it reads anything (a post without one is refused)
    ("/consent/", 403, "Cookie choice not saved"),
])
def test_utf16_form_with_csrf_cookie_is_a_clear_4xx(db, path, status, message):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", path, data="q=x&csrfmiddlewaretoken=abc".encode("utf-16"),
                              content_type=UTF16_FORM)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html and 'class="skip-link"' in html


def test_refused_csrf_token_is_the_sites_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form was not sent" in html and 'class="masthead__name"' in html


def test_404_is_not_canonical(db, anonymous):
    html = anonymous.get("/no-such-page/").content.decode()
    assert 'rel="canonical"' not in html and "og:url" not in html
    assert '<link rel="canonical"' in anonymous.get("/").content.decode()


def test_403_and_400_handlers_look_like_the_site(rf, db):
    from masthead.site import errors

    for view, status in ((errors.permission_denied, 403), (errors.bad_request, 400)):
        response = view(rf.get("/"))
        assert response.status_code == status
        assert 'class="masthead__name"' in response.content.decode()


# -- the fuzz ----------------------------------------------------------------------------------
def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the site as one anchored regex (admin included)."""
    from django.urls import URLPattern, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        regex = entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(entry, URLPattern):
            yield prefix + regex
        else:
            yield from _patterns(entry, prefix + regex)


URL_PATTERNS = sorted(set(_patterns()))
SETTINGS = dict(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck),
                database=None)
query_values = st.one_of(st.text(max_size=40), st.sampled_from(
    ["9999-12-31", "0000-00-00", "-1", "99999999999999999999", "1e9", "nan", "%00", "../../",
     "\x00", "😀" * 50, "a" * 3000]))
query = st.dictionaries(st.sampled_from(["q", "page", "since", "until", "section", "author",
                                         "sort", "comment", "format", "lang", "next"]),
                        query_values, max_size=4)


def _path_for(pattern: str, data) -> str:
    raw = data.draw(st.from_regex(f"^{pattern}$", fullmatch=True).filter(lambda p: "\n" not in p))
    return "/" + quote(raw, safe="/:@!$&'()*+,;=-._~")


def test_url_pattern_list_covers_the_site():
    assert any(p.startswith("admin/") for p in URL_PATTERNS)
    assert any("comments/post" in p for p in URL_PATTERNS)
    assert len(URL_PATTERNS) > 40


@pytest.fixture
def fuzz_site(make_article, article):
    from masthead.comments.models import Comment

    Comment.objects.create(article=article, author="Kept", text="Kept.", status="approved")
    make_article(title="Second story", dek="For the lists.")


@pytest.mark.django_db
def test_no_url_pattern_answers_5xx(fuzz_site, admin_user):
    anonymous = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(admin_user)

    @settings(**SETTINGS)
    @given(data=st.data(), pattern=st.sampled_from(URL_PATTERNS), params=query,
           as_staff=st.booleans())
    def check(data, pattern, params, as_staff):
        path = _path_for(pattern, data)
        response = (staff if as_staff else anonymous).get(path, params)
        assert response.status_code < 500, (path, params, response.status_code)

    check()


FORMS = ["/comments/post/", "/consent/", "/admin/login/", "/search/", "/comments/token/",
         "/consent/settings/"]
form_fields = st.dictionaries(
    st.sampled_from(["comment", "author", "email", "url", "comment_post_ID", "comment_parent",
                     "form_opened", "mh_leave_empty", "username", "password", "q", "choice",
                     "categories", "next", "csrfmiddlewaretoken", "analytics"]),
    query_values, max_size=8)
content_types = st.sampled_from([
    "application/x-www-form-urlencoded", UTF16_FORM, "multipart/form-data; boundary=x",
    "multipart/form-data", "application/json", "text/plain; charset=bogus",
    "application/x-www-form-urlencoded; charset=latin-1"])


@pytest.mark.django_db
def test_no_public_form_answers_5xx(fuzz_site):
    from urllib.parse import urlencode

    client = Client(raise_request_exception=False, HTTP_ORIGIN="http://testserver")
    client.cookies["csrftoken"] = "a" * 32

    @settings(**SETTINGS)
    @given(path=st.sampled_from(FORMS), fields=form_fields, content_type=content_types,
           raw=st.binary(max_size=200), use_raw=st.booleans())
    def check(path, fields, content_type, raw, use_raw):
        body = raw if use_raw else urlencode(fields).encode()
        response = client.generic("POST", path, data=body, content_type=content_type)
        assert response.status_code < 500, (path, fields, content_type, response.status_code)

    check()
