import pytest
from django.core.cache import cache

from masthead.consent.housekeeping import CHECK_KEY
from masthead.consent.models import Category, Snippet

SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
ANALYTICS_CODE = (
    '<script async src="https://stats.example.net/tag.js?id=1"></script>'
    "<script>window.statsQueue = [];</script>"
    '<noscript><img src="https://stats.example.net/pixel.gif"></noscript>'
)
VIDEO_CODE = '<iframe src="https://video.example.com/embed/42" title="Harbour film"></iframe>'


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # role_users signs up five people; the real hasher would spend seconds on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cleanup_guard():
    # Only our own key: under REDIS_URL the cache is shared with whatever else is running.
    keys = [CHECK_KEY, "masthead:consent:rate:127.0.0.0"]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def category(db):
    return lambda key: Category.objects.get(key=key)


@pytest.fixture
def analytics_snippet(category):
    return Snippet.objects.create(name="Stats", category=category("analytics"),
                                  code=ANALYTICS_CODE, provider="Stats Inc.",
                                  cookies="_stats, _stats_id")


@pytest.fixture
def video_snippet(category):
    return Snippet.objects.create(name="Harbour film", category=category("marketing"),
                                  code=VIDEO_CODE, placement="body")


@pytest.fixture
def choose(client):
    """choose(choice, categories=(), headers=SAME_ORIGIN, json=False, **fields) -> response"""

    def post(choice, categories=(), headers=None, json=False, **fields):
        environ = {k: v for k, v in fields.items() if k.isupper()}  # e.g. REMOTE_ADDR
        data = {"choice": choice, "category": list(categories)}
        data.update({k: v for k, v in fields.items() if not k.isupper()})
        headers = dict(SAME_ORIGIN if headers is None else headers)
        if json:
            headers["Accept"] = "application/json"
        return client.post("/consent/", data, headers=headers, **environ)

    return post
