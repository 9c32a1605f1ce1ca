"""The anonymous whole-page cache: hits, invalidation on change, scheduled releases, bypasses."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from masthead.site import page_cache

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # Redis keeps the generations there


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


def test_generations_change_only_for_what_was_bumped(tmp_path):
    before = page_cache.generations(["comments:7", "lists"])
    page_cache.bump(["comments:7"])
    after = page_cache.generations(["comments:7", "lists"])
    assert after["comments:7"] != before["comments:7"] and after["lists"] == before["lists"]
    if not page_cache._shared_cache():  # every process on the machine reads them in the data dir
        assert (tmp_path / page_cache.TAG_DIR / "epoch").exists()


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Masthead-Cache"] == "hit", url


def status(client, url) -> str:
    return client.get(url)["X-Masthead-Cache"]


@pytest.fixture
def two_articles(make_article):
    from masthead.comments.models import DiscussionSettings

    DiscussionSettings.current()
    return make_article(title="Ferry news"), make_article(title="Bridge news")


def test_an_approved_comment_refreshes_its_article_and_lists_not_other_articles(
        client, two_articles, section):
    from masthead.comments.models import Comment

    ferry, bridge = two_articles
    urls = [ferry.get_absolute_url(), bridge.get_absolute_url(), "/", section.get_absolute_url()]
    warm(client, *urls)
    Comment.objects.create(article=ferry, author="R", text="Well put.", status="approved")
    assert status(client, bridge.get_absolute_url()) == "hit"
    assert status(client, ferry.get_absolute_url()) == "miss"
    section_page = client.get(section.get_absolute_url())
    assert section_page["X-Masthead-Cache"] == "miss"  # it shows the ferry's comment count
    assert b">1 comment</a>" in section_page.content


def test_editing_an_article_refreshes_it_and_the_lists_not_other_articles(client, two_articles):
    ferry, bridge = two_articles
    warm(client, ferry.get_absolute_url(), bridge.get_absolute_url(), "/")
    ferry.title = "Ferry news, updated"
    ferry.save()
    assert status(client, bridge.get_absolute_url()) == "hit"
    assert b"Ferry news, updated" in client.get(ferry.get_absolute_url()).content
    assert b"Ferry news, updated" in client.get("/").content


def test_queryset_update_refreshes_the_pages_showing_those_articles(client, two_articles):
    from masthead.newsroom.models import Article

    ferry, bridge = two_articles
    warm(client, ferry.get_absolute_url(), bridge.get_absolute_url(), "/")
    Article.objects.filter(pk=ferry.pk).update(title="Ferry, bulk-edited")
    assert status(client, bridge.get_absolute_url()) == "hit"
    assert b"Ferry, bulk-edited" in client.get("/").content
    assert b"Ferry, bulk-edited" in client.get(ferry.get_absolute_url()).content


def test_site_settings_refresh_every_page(client, two_articles):
    from masthead.newsroom.models import SiteSettings

    ferry, _ = two_articles
    warm(client, ferry.get_absolute_url(), "/")
    site = SiteSettings.current()
    site.name = "The Harbour Gazette"
    site.save()
    assert b"The Harbour Gazette" in client.get(ferry.get_absolute_url()).content
    assert b"The Harbour Gazette" in client.get("/").content


def test_a_new_breaking_banner_shows_on_cached_pages(client, two_articles):
    ferry, bridge = two_articles
    warm(client, bridge.get_absolute_url())
    ferry.breaking_until = timezone.now() + timedelta(hours=2)
    ferry.save()
    page = client.get(bridge.get_absolute_url())
    assert page["X-Masthead-Cache"] == "miss"
    ferry.breaking_until = None
    ferry.save()
    assert status(client, bridge.get_absolute_url()) == "miss"  # it had loaded the banner


def _consent_choice():
    from masthead.consent.models import ConsentRecord, Mode

    ConsentRecord.objects.create(consent_id="abc", policy_version=1, action="accept",
                                 mode=Mode.choices[0][0])


def _held_and_spam_comments(article):
    from masthead.comments.models import Comment

    for status_ in ("pending", "spam", "trash"):
        Comment.objects.create(article=article, author="S", text="buy now", status=status_)
    spam = Comment.objects.filter(status="spam").first()
    spam.status = "trash"
    spam.save()


def _spam_model_version():
    from masthead.antispam.models import SpamModelVersion

    SpamModelVersion.objects.create(version=99, source=SpamModelVersion.Source.choices[0][0],
                                    data=b"x", trained_on=1)


def _session_and_login(client, users):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["x"] = 1
    store.save()
    from django.contrib.auth.models import update_last_login

    update_last_login(None, users["Editor"])  # what signing in writes


def _approved_comment_spam_score(article):
    from masthead.comments.models import Comment

    comment = Comment.objects.create(article=article, author="R", text="ok", status="approved")
    return comment


def _job_result():
    from masthead.discovery.signals import reindex_articles

    reindex_articles.enqueue([])


@pytest.mark.parametrize("change", ["consent choice", "held and spam comments",
                                    "spam model version", "session and login",
                                    "spam filter notes", "job result"])
def test_saves_no_reader_sees_leave_cached_pages_cached(client, two_articles, role_users, change):
    ferry, bridge = two_articles
    approved = _approved_comment_spam_score(ferry) if change == "spam filter notes" else None
    urls = [ferry.get_absolute_url(), bridge.get_absolute_url(), "/"]
    warm(client, *urls)
    if change == "consent choice":
        _consent_choice()
    elif change == "held and spam comments":
        _held_and_spam_comments(ferry)
    elif change == "spam model version":
        _spam_model_version()
    elif change == "session and login":
        _session_and_login(client, role_users)
    elif change == "spam filter notes":
        approved.spam_score = 0.9
        approved.trained_as = "ham"
        approved.save(update_fields=["spam_score", "trained_as"])
        type(approved).objects.filter(pk=approved.pk).update(author_ip="")
    elif change == "job result":
        _job_result()
    for url in urls:
        assert status(client, url) == "hit", (change, url)
