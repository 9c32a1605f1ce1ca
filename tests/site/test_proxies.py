"""Trusted proxies: the reader's address and scheme come from proxy headers only through the
proxies the operator named; the comment flood limit is per reader and atomic."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import RequestFactory

from masthead.site.proxies import TrustedProxyMiddleware, client_ip

rf = RequestFactory()


def request(remote="203.0.113.9", **headers):
    return rf.get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_headers_are_ignored(settings):
    settings.MASTHEAD_TRUSTED_PROXIES, settings.MASTHEAD_TRUSTED_PROXY_HOPS = [], 0
    assert client_ip(request(HTTP_X_FORWARDED_FOR="198.51.100.1")) == "203.0.113.9"
    assert client_ip(request(HTTP_FORWARDED="for=198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize("remote, forwarded_for, expected", [
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "198.51.100.1, 10.0.0.7", "198.51.100.1"),        # two proxies of ours
    ("10.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),         # a forged first entry
    ("10.0.0.1", "10.0.0.3", "10.0.0.3"),                          # only proxies: the farthest
    ("10.0.0.1", "not-an-ip", "10.0.0.1"),
    ("10.0.0.1", "", "10.0.0.1"),
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),                # not through our proxy
])
def test_x_forwarded_for_through_trusted_proxies(settings, remote, forwarded_for, expected):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(remote, HTTP_X_FORWARDED_FOR=forwarded_for)) == expected


@pytest.mark.parametrize("forwarded, expected", [
    ('for="[2001:db8:cafe::17]:4711"', "2001:db8:cafe::17"),
    ("for=192.0.2.43:80, for=10.0.0.2", "192.0.2.43"),
    ("for=192.0.2.60;proto=https;by=203.0.113.43", "192.0.2.60"),
    ("for=unknown", "127.0.0.1"),
])
def test_forwarded_header(settings, forwarded, expected):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(request("127.0.0.1", HTTP_FORWARDED=forwarded)) == expected


def test_hop_count(settings):
    settings.MASTHEAD_TRUSTED_PROXIES, settings.MASTHEAD_TRUSTED_PROXY_HOPS = [], 2
    chain = "6.6.6.6, 198.51.100.1, 172.16.0.5"
    assert client_ip(request("172.16.0.9", HTTP_X_FORWARDED_FOR=chain)) == "198.51.100.1"


def _is_secure(**kwargs) -> bool:
    seen = {}

    def view(req):
        seen["secure"] = req.is_secure()
        return None

    TrustedProxyMiddleware(view)(request(**kwargs))
    return seen["secure"]


def test_https_only_from_a_trusted_proxy(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _is_secure(remote="10.0.0.1", HTTP_X_FORWARDED_PROTO="https") is True
    assert _is_secure(remote="10.0.0.1", HTTP_FORWARDED="for=198.51.100.1;proto=https") is True
    assert _is_secure(remote="10.0.0.1", HTTP_X_FORWARDED_PROTO="http") is False
    assert _is_secure(remote="203.0.113.9", HTTP_X_FORWARDED_PROTO="https") is False
    settings.MASTHEAD_TRUSTED_PROXIES = []
    assert _is_secure(remote="10.0.0.1", HTTP_X_FORWARDED_PROTO="https") is False


# -- the flood limit ---------------------------------------------------------------------------
@pytest.fixture
def flood_limited(discussion):
    discussion.flood_seconds = 15
    discussion.save()
    return discussion


@pytest.fixture
def post(client, article):
    """post(comment, forwarded_for, email=...) -> response: a form post through the proxy."""

    def send(comment, forwarded_for, email="jo@example.org"):
        data = {"comment": comment, "author": "Jo Reader", "email": email,
                "comment_post_ID": article.pk, "comment_parent": "0"}
        return client.post("/comments/post/", data, HTTP_ORIGIN="http://testserver",
                           HTTP_X_FORWARDED_FOR=forwarded_for)

    return send


def test_two_readers_behind_one_proxy_each_get_their_own_slot(settings, post, flood_limited):
    from masthead.comments.models import Comment

    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    first = post("First reader's remark.", "198.51.100.1")
    second = post("Second reader's remark.", "198.51.100.2", email="other@example.org")
    again = post("First reader, again.", "198.51.100.1")
    assert (first.status_code, second.status_code, again.status_code) == (303, 303, 429)
    assert sorted(Comment.objects.values_list("author_ip", flat=True)) == [
        "198.51.100.1", "198.51.100.2"]


def test_a_forged_header_from_outside_changes_nothing(settings, post, flood_limited):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert post("One remark.", "198.51.100.1").status_code == 303
    assert post("Two remarks.", "198.51.100.2", email="b@example.org").status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep migrations' rows
def test_racing_requests_take_one_slot():
    """Twelve requests for the same slot at once: exactly one wins, on SQLite and PostgreSQL."""
    from masthead.site.rate_limit import take_slot

    barrier, results = threading.Barrier(12), []

    def race():
        try:
            barrier.wait()
            while True:
                try:
                    results.append(take_slot("comment:198.51.100.1", 15))
                    return
                except OperationalError as exc:
                    # The in-memory SQLite test database answers "locked" where a real
                    # database file waits for the lock (the site's 20 s busy timeout): wait.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 11 + [True]
    assert take_slot("comment:198.51.100.2", 15) is True


@pytest.mark.django_db
def test_a_slot_frees_after_its_window():
    from datetime import timedelta

    from django.utils import timezone

    from masthead.site.models import RateSlot
    from masthead.site.rate_limit import take_slot

    assert take_slot("k", 15) and not take_slot("k", 15)
    RateSlot.objects.update(free_at=timezone.now() - timedelta(seconds=1))
    assert take_slot("k", 15) and not take_slot("k", 15)


# -- the page cache keys on the scheme -------------------------------------------------------
@pytest.mark.django_db
def test_page_cache_never_serves_https_pages_over_http(client, settings, tmp_path, make_article):
    settings.MASTHEAD_PAGE_CACHE_SECONDS, settings.DATA_DIR = 300, tmp_path
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    cache.clear()
    make_article(title="Cached twice")
    client.get("/")
    https = [client.get("/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")
             for _ in range(2)]
    http = client.get("/", HTTP_HOST="testserver")
    assert [r["X-Masthead-Cache"] for r in https] == ["miss", "hit"]
    assert http["X-Masthead-Cache"] == "hit"  # its own entry, from the first visit
    assert b'<link rel="canonical" href="https://testserver/">' in https[1].content
    assert b'<link rel="canonical" href="http://testserver/">' in http.content
    cache.clear()
