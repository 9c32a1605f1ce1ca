"""Fixtures for the comments tests: an open article, discussion settings, a quick spam filter."""

import pytest

from tests.antispam.conftest import quick_filter  # noqa: F401  (shared with the antispam tests)


@pytest.fixture
def discussion(db):
    from masthead.comments.models import DiscussionSettings

    settings = DiscussionSettings.current()
    settings.flood_seconds = 0  # tests post quickly from one address
    settings.save()
    return settings


@pytest.fixture
def article(make_article, discussion, request):
    request.getfixturevalue("quick_filter")
    return make_article(title="Harbour ferry timetable changes")


BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def post(client, article):
    """post(**fields) -> response: a no-JavaScript form post as a browser sends it."""

    def send(json=False, **fields):
        data = {"comment": "A thoughtful remark about the ferry timetable.", "author": "Jo Reader",
                "email": "jo@example.org", "url": "", "comment_post_ID": article.pk,
                "comment_parent": "0"}
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        headers = {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_ORIGIN": "http://testserver"}
        if json:
            headers["HTTP_ACCEPT"] = "application/json"
        return client.post("/comments/post/", data, **headers)

    return send
