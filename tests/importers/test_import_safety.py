"""What an import brings never runs a script, and nothing it brings is silently lost.

Every URL an import stores where a page puts it in an href or src (comment authors' websites,
links and images in bodies, source URLs, featured images, feed items' links) goes through the
site's one allow-list (masthead.site.safe_urls): the hostile ones below are dropped."""

import html
from io import StringIO

import pytest
from django.core.management import call_command

from masthead import changes
from masthead.comments.models import Comment
from masthead.importers.models import ImportedAttachment, WordPressObject
from masthead.newsroom.models import Article, Page, Section

from .conftest import comment_xml, item_xml, wxr

pytestmark = pytest.mark.django_db

# From the usual public lists (PayloadsAllTheThings' XSS injection, OWASP's filter evasion
# cheat sheet): schemes that run code, hidden by case, entities, white space and control
# characters the browser ignores.
HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "javascript&colon;alert(1)",
    "&#x6A;avascript:alert(1)",
    "\t \u00a0javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "livescript:alert(1)",
    "http:alert(1)",
]
SAFE = "https://reader.example.org/"


def bad(value: str) -> bool:
    """Would a browser following this address run something?"""
    flat = html.unescape(value).lower()
    flat = "".join(ch for ch in flat if ch > " ")
    return any(scheme in flat for scheme in ("javascript:", "data:", "vbscript:", "livescript:"))


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_comment_websites_are_dropped(url, write_wxr, run_import):
    comments = comment_xml(1, url=url) + comment_xml(2, url=SAFE)
    summary = run_import(write_wxr(wxr(item_xml(10, "Story", comments=comments))))
    stored = dict(Comment.objects.values_list("import_ref", "author_url"))
    assert sorted(stored.values()) == ["", SAFE]
    assert any("author website is not an http(s) address" in w for w in summary.warnings)


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_links_in_bodies_and_meta_are_dropped(url, write_wxr, run_import):
    escaped = html.escape(url, quote=True)
    body = (f'<p><a href="{escaped}">click</a> and <a href="{SAFE}">fine</a></p>'
            f'<p><img src="{escaped}" alt="x"></p>')
    export = wxr(
        item_xml(100, "Image", post_type="attachment", status="inherit", attachment_url=url),
        item_xml(10, "Story", content=body, meta=[("source_url", url), ("_thumbnail_id", "100")]),
        item_xml(20, "Our story", post_type="page", content=body,
                 comments=comment_xml(3, url=url, content=f'<a href="{escaped}">me</a>')),
    )
    run_import(write_wxr(export))
    story = Article.objects.get(title="Story")
    page = Page.objects.get(title="Our story")
    for stored in (story.body, story.body_html, page.body, page.body_html):
        for attribute in ("href", "src"):
            values = [chunk.split('"', 2)[1] for chunk in stored.split(f"{attribute}=")[1:]]
            assert not [v for v in values if bad(v)], (url, stored)
    assert SAFE in story.body_html  # the good link stays
    assert story.source_url == "" and story.featured_image_url == ""
    assert not ImportedAttachment.objects.exists()
    assert not any(bad(c["author_url"]) for c in WordPressObject.objects.get(
        kind="page").meta["comments"])


@pytest.mark.parametrize("url", HOSTILE_URLS[:6])
def test_hostile_feed_links_are_dropped(url, tmp_path):
    section = Section.objects.create(name="Wire", slug="wire")
    feed = tmp_path / "feed.xml"
    feed.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example.org/</link>
<item><title>One</title><link>{html.escape(url)}</link><guid>one</guid>
<description>&lt;a href="{html.escape(html.escape(url))}"&gt;x&lt;/a&gt; text</description></item>
</channel></rss>""", encoding="utf-8")
    call_command("import_feed", str(feed), "--section", section.slug, stdout=StringIO())
    article = Article.objects.get()
    assert article.source_url == ""
    assert 'href="' not in article.body_html or not bad(article.body_html.split('href="')[1])


def test_comments_on_pages_come_over_with_the_page(write_wxr, run_import, client):
    comments = (comment_xml(1, author="Early reader", content="Lovely page.",
                            date="2020-01-02 10:00:00")
                + comment_xml(2, author="Later reader", content="Agreed!", parent=1,
                              date="2020-01-03 10:00:00")
                + comment_xml(3, approved="0", content="Held for moderation")
                + comment_xml(4, approved="spam", content="Buy pills"))
    summary = run_import(write_wxr(wxr(item_xml(20, "Our story", post_type="page", slug="about-us",
                                                comments=comments))))
    page = Page.objects.get(title="Our story")
    shown = client.get(page.get_absolute_url()).content.decode()
    assert "Lovely page." in shown and "Agreed!" in shown
    assert shown.index("Early reader") < shown.index("Later reader")
    assert f'href="{SAFE}"' in shown
    assert "Held for moderation" not in shown and "Buy pills" not in shown
    kept = WordPressObject.objects.get(kind="page").meta["comments"]
    assert [c["wp_id"] for c in kept] == ["1", "2", "3", "4"]
    assert summary.counts["comment (on a page)"]["created"] == 4
    assert any("2 held, spam or trashed comment(s)" in w for w in summary.warnings)
    assert not Comment.objects.exists()
    again = run_import(write_wxr(wxr(item_xml(20, "Our story", post_type="page", slug="about-us",
                                              comments=comments))))
    assert again.counts["page"]["unchanged"] == 1
    assert Page.objects.get(pk=page.pk).body == page.body


def test_protected_and_private_posts_are_drafts_listed_in_the_summary(write_wxr, tmp_path):
    path = write_wxr(wxr(item_xml(14, "Secret story", password="hunter2"),
                         item_xml(13, "Private story", status="private"),
                         item_xml(21, "Members page", post_type="page", password="pw"),
                         item_xml(10, "Open story")))
    out = StringIO()
    call_command("import_wxr", str(path), stdout=out)
    printed = out.getvalue()
    assert "imported as drafts, to be reviewed (3)" in printed
    for title in ("Secret story", "Private story", "Members page"):
        assert title in printed.split("warnings:")[0]
    assert set(Article.objects.filter(status=Article.Status.DRAFT).values_list(
        "title", flat=True)) == {"Secret story", "Private story"}
    assert Page.objects.get(title="Members page").is_published is False
    assert Article.objects.get(title="Open story").status == Article.Status.PUBLISHED


def test_an_import_is_one_bulk_change_after_it_commits(write_wxr, run_import,
                                                      django_capture_on_commit_callbacks):
    heard = []

    def hear(sender, changeset, **kwargs):
        heard.append(changeset)

    changes.content_changed.connect(hear, dispatch_uid="test-import-bulk")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(write_wxr(wxr(*(item_xml(i, f"Story {i}", comments=comment_xml(i))
                                       for i in range(10, 15)))))
    finally:
        changes.content_changed.disconnect(dispatch_uid="test-import-bulk")
    imported = set(Article.objects.values_list("pk", flat=True))
    bulk = [c for c in heard if c.bulk]
    assert len(bulk) == 1 and imported <= bulk[0].articles
    assert not [c for c in heard if not c.bulk and c.articles]
