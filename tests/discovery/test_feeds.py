"""RSS and Atom feeds, read back with feedparser as a feed reader would."""

from datetime import timedelta

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.newsroom.models import Article

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FEEDS = ["/feed/", "/feed/atom/"]


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


@pytest.mark.parametrize("url", FEEDS)
def test_site_feed_lists_published_articles_newest_first(client, newsroom, make_article, url):
    make_article(title="A draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(hours=3))
    newest = make_article(title="Newest of all", published_at=timezone.now() - timedelta(minutes=5))
    response, feed = read(client, url)
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Newest of all"
    assert "A draft" not in titles and "Scheduled" not in titles
    assert len(titles) == 4
    entry = feed.entries[0]
    assert entry.link == "http://testserver" + newest.get_absolute_url()
    assert entry.published_parsed[:6] == newest.published_at.utctimetuple()[:6]
    assert entry.author == "Ada Reporter"
    assert feed.feed.title == "Masthead News"
    assert response["Content-Type"].startswith(
        "application/rss+xml" if "atom" not in url else "application/atom+xml")


def test_rss_item_fields_guid_categories_and_full_text(client, newsroom):
    lead = newsroom["lead"]
    _, feed = read(client, "/feed/")
    entry = next(e for e in feed.entries if e.title == lead.title)
    assert entry.id.startswith("tag:testserver,") and entry.id.endswith(f":article:{lead.pk}")
    assert entry.guidislink is False
    assert {t.term for t in entry.tags} == {"World", "Harbour"}
    assert entry.summary == "The keeper returns."
    assert "<p>The lighthouse on the point reopened on Monday.</p>" in entry.content[0].value


def test_summary_only_setting(client, newsroom, settings):
    settings.MASTHEAD_FEED_CONTENT = "summary"
    for url in FEEDS:
        _, feed = read(client, url)
        entry = next(e for e in feed.entries if e.title == newsroom["lead"].title)
        assert "content" not in entry
        assert entry.summary == "The keeper returns."


def test_guid_never_changes_on_edit_or_new_release_date(client, newsroom):
    lead = newsroom["lead"]
    guid = {e.title: e.id for e in read(client, "/feed/atom/")[1].entries}[lead.title]
    lead.title = "Lighthouse reopens: updated"
    lead.published_at = timezone.now() - timedelta(hours=1)
    lead.updated_at = timezone.now()
    lead.save()
    entries = {e.title: e for e in read(client, "/feed/atom/")[1].entries}
    assert entries["Lighthouse reopens: updated"].id == guid
    assert entries["Lighthouse reopens: updated"].updated_parsed[:5] == \
        lead.updated_at.utctimetuple()[:5]


def test_featured_image_is_the_enclosure(client, make_article):
    uploaded = make_article(title="With photo", featured_image=SimpleUploadedFile(
        "quay.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png"))
    make_article(title="With remote photo", featured_image_url="https://img.example.org/a.jpg")
    for url in FEEDS:
        entries = {e.title: e for e in read(client, url)[1].entries}
        enclosure = entries["With photo"].enclosures[0]
        assert enclosure.href == "http://testserver" + uploaded.featured_image.url
        assert enclosure.type == "image/png"
        assert int(enclosure.length) == 108
        remote = entries["With remote photo"].enclosures[0]
        assert remote.href == "https://img.example.org/a.jpg" and remote.type == "image/jpeg"


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_section_tag_and_author_feeds(client, newsroom, kind):
    obj = {"section": newsroom["section"], "tag": newsroom["tag"],
           "author": newsroom["other_author"]}[kind]
    expected = {
        "section": {"Lighthouse reopens after storm", "Ferry strike in the Baltic"},
        "tag": {"Lighthouse reopens after storm", "Harbour rowing club wins"},
        "author": {"Ferry strike in the Baltic"},
    }[kind]
    for suffix in ("feed/", "feed/atom/"):
        _, feed = read(client, f"/{kind}/{obj.slug}/{suffix}")
        assert {e.title for e in feed.entries} == expected
        assert str(obj) in feed.feed.title


@pytest.mark.parametrize("url", ["/section/nope/feed/", "/tag/nope/feed/atom/",
                                 "/author/nope/feed/"])
def test_unknown_feed_is_404(client, url):
    assert client.get(url).status_code == 404


def test_base_url_makes_links_and_guids(client, newsroom, settings):
    settings.BASE_URL = "https://news.example.org"
    _, feed = read(client, "/feed/")
    entry = feed.entries[0]
    assert entry.link.startswith("https://news.example.org/")
    assert entry.id.startswith("tag:news.example.org,")


def test_feed_costs_a_fixed_number_of_queries(client, make_article):
    make_article(title="One")
    client.get("/feed/")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            client.get("/feed/")
        counts.append(len(ctx))
        for i in range(10):
            make_article(title=f"More {i}")
    assert counts[0] == counts[1]


def test_feed_bytes_are_the_same_for_every_reader(client, newsroom):
    first = client.get("/feed/").content
    client.cookies["sessionid"] = "someone"
    assert client.get("/feed/").content == first
