"""import-feed on RSS and Atom files written here (no network): drafts with their source, and
items already taken are skipped."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masthead.importers.models import SyndicatedItem
from masthead.newsroom.models import Article, Section
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Harbour Wire</title>
  <link>https://wire.example.org/</link>
  <description>News from the coast</description>
  <language>de-DE</language>
  <item>
    <title>Ferry &amp; port reopen</title>
    <link>https://wire.example.org/2024/ferry</link>
    <guid isPermaLink="false">wire-1001</guid>
    <pubDate>Tue, 05 Mar 2024 06:30:00 +0100</pubDate>
    <description>The ferry runs again.</description>
    <content:encoded><![CDATA[<p>The ferry <strong>runs</strong> again.</p>
<script>alert(1)</script><table><tr><td>Times</td></tr></table>]]></content:encoded>
  </item>
  <item>
    <title>Storm warning</title>
    <link>https://wire.example.org/2024/storm</link>
    <pubDate>Wed, 06 Mar 2024 18:00:00 GMT</pubDate>
    <description><![CDATA[Winds of <em>100 km/h</em> expected.]]></description>
  </item>
  <item>
    <description>An item without a title</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Times</title>
  <id>urn:uuid:feed</id>
  <updated>2024-03-07T10:00:00Z</updated>
  <entry>
    <title>Bridge opens</title>
    <id>urn:uuid:bridge</id>
    <link href="https://valley.example.org/bridge"/>
    <published>2024-03-07T09:15:00+02:00</published>
    <updated>2024-03-07T10:00:00Z</updated>
    <summary>A new bridge.</summary>
    <content type="html">&lt;p&gt;The new bridge opened.&lt;/p&gt;</content>
  </entry>
</feed>
"""


@pytest.fixture
def desk(db):
    return Section.objects.create(name="Wire", slug="wire")


def take(*args) -> str:
    out = StringIO()
    call_command("import_feed", *args, stdout=out)
    return out.getvalue()


@pytest.mark.postgres
def test_rss_items_become_drafts_with_their_source(tmp_path, desk):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    output = take(str(feed), "--section", "wire")
    assert "Harbour Wire: took 2 item(s) as drafts in Wire; skipped 1" in output
    ferry = Article.objects.get(source_url="https://wire.example.org/2024/ferry")
    assert ferry.title == "Ferry & port reopen"
    assert ferry.status == Article.Status.DRAFT and ferry.section == desk
    assert ferry.source_name == "Harbour Wire" and ferry.source_language == "de"
    assert ferry.source_published_at.isoformat() == "2024-03-05T05:30:00+00:00"
    assert "<strong>runs</strong>" in ferry.body_html and "<table>" in ferry.body_html
    assert "script" not in ferry.body and "alert" not in ferry.body_html
    storm = Article.objects.get(title="Storm warning")
    assert "<em>100 km/h</em>" in storm.body_html
    assert not Article.objects.published().exists()  # an editor publishes, not the feed


def test_items_already_taken_are_skipped(tmp_path, desk):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    take(str(feed), "--section", "wire")
    assert "took 0 item(s)" in take(str(feed), "--section", "wire")
    assert Article.objects.count() == 2 and SyndicatedItem.objects.count() == 2
    # The same story under another id (a feed that changed its guids) is known by its link.
    feed.write_text(RSS.replace("wire-1001", "wire-1001-v2"))
    assert "took 0 item(s)" in take(str(feed), "--section", "wire")


def test_atom_and_a_credited_source(tmp_path, desk):
    feed = tmp_path / "valley.atom"
    feed.write_text(ATOM)
    take(str(feed), "--section", "wire", "--source-name", "Valley Times (partner)")
    bridge = Article.objects.get()
    assert (bridge.title, bridge.source_url) == ("Bridge opens", "https://valley.example.org/bridge")
    assert bridge.source_name == "Valley Times (partner)"
    assert bridge.source_published_at.isoformat() == "2024-03-07T07:15:00+00:00"
    assert bridge.dek == "A new bridge." and "The new bridge opened." in bridge.body_html


def test_dry_run(tmp_path, desk):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    assert "would take 2 item(s)" in take(str(feed), "--section", "wire", "--dry-run")
    assert not Article.objects.exists()


@pytest.mark.parametrize("source,section,message", [
    ("missing.xml", "wire", "no such file"),
    ("notafeed.txt", "wire", "not an RSS or Atom feed"),
    ("wire.xml", "nope", "no section with the slug 'nope'"),
    ("http://127.0.0.1:{port}/feed", "wire", "cannot fetch"),
])
def test_bad_input_is_refused_with_a_reason(tmp_path, desk, source, section, message,
                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wire.xml").write_text(RSS)
    (tmp_path / "notafeed.txt").write_text("just some words")
    with pytest.raises(CommandError, match=message):
        take(source.format(port=free_port()), "--section", section)
    assert not Article.objects.exists()
