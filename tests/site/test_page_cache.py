"""The anonymous whole-page cache: hits, invalidation on change, scheduled releases, bypasses."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from masthead.site import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, tmp_path):
    settings.MASTHEAD_PAGE_CACHE_SECONDS = 300
    settings.DATA_DIR = tmp_path
    cache.clear()
    yield
    cache.clear()


def test_second_visit_is_served_from_the_cache_with_the_same_bytes(client, make_article):
    article = make_article(title="Cached story")
    client.get(article.get_absolute_url())  # a fresh site creates settings rows on first visit
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    assert first["X-Masthead-Cache"] == "miss" and second["X-Masthead-Cache"] == "hit"
    assert first.content == second.content
    assert second["Content-Type"].startswith("text/html")


def test_any_content_change_is_seen_at_once(client, make_article):
    article = make_article(title="Before the edit")
    client.get("/")
    article.title = "After the edit"
    article.save()
    response = client.get("/")
    assert response["X-Masthead-Cache"] == "miss"
    assert b"After the edit" in response.content


def test_scheduled_article_appears_at_its_time_even_when_cached(client, make_article, monkeypatch):
    release = timezone.now() + timedelta(hours=1)
    make_article(title="Embargoed report", published_at=release)
    client.get("/")
    assert b"Embargoed report" not in client.get("/").content
    assert client.get("/")["X-Masthead-Cache"] == "hit"

    later = release + timedelta(minutes=1)
    monkeypatch.setattr(page_cache.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get("/")
    assert response["X-Masthead-Cache"] == "miss"
    assert b"Embargoed report" in response.content


def test_signed_in_users_and_admin_are_never_cached(client, make_article, role_users):
    client.get("/")
    client.force_login(role_users["Editor"])
    assert "X-Masthead-Cache" not in client.get("/")
    assert "X-Masthead-Cache" not in client.get("/admin/")


def test_404_and_posts_are_not_cached(client):
    assert "X-Masthead-Cache" not in client.get("/no-such-page/")
    posted = client.post("/", {})
    assert "X-Masthead-Cache" not in posted  # neither served from the cache nor stored in it
    assert not cache.get("masthead:page:http://testserver/")


def test_cache_off_when_seconds_is_zero(client, settings, make_article):
    settings.MASTHEAD_PAGE_CACHE_SECONDS = 0
    make_article()
    assert "X-Masthead-Cache" not in client.get("/")


def test_generation_is_shared_through_the_data_dir(tmp_path):
    before = page_cache.current_generation()
    page_cache.bump_generation()
    after = page_cache.current_generation()
    assert after != before and (tmp_path / page_cache.GENERATION_FILE).exists()


def test_saving_a_session_does_not_empty_the_cache():
    from django.contrib.sessions.models import Session

    page_cache.bump_generation()
    before = page_cache.current_generation()
    page_cache.bump_generation(sender=Session)
    assert page_cache.current_generation() == before
