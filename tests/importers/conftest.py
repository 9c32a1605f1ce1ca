"""Helpers for the importer tests: real WordPress exports (trimmed copies kept in fixtures/, see
the README there), a small WXR writer for edge cases, and a one-call import."""

from pathlib import Path
from xml.sax.saxutils import escape

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
THEME_UNIT = FIXTURES / "themeunittestdata-trimmed.xml"
BLOCKS = FIXTURES / "64-block-test-data-trimmed.xml"
PREVIEW = FIXTURES / "theme-preview.xml"
DATASET_FILES = [THEME_UNIT, BLOCKS, PREVIEW]


def cdata(text: str) -> str:
    return f"<![CDATA[{text}]]>"


def comment_xml(cid, *, parent=0, approved="1", author="Reader", email="r@example.org",
                content="A comment.", date="2020-01-02 10:00:00", user_id=0, agent="",
                url="https://reader.example.org/"):
    meta = (f"<wp:commentmeta><wp:meta_key>agent</wp:meta_key>"
            f"<wp:meta_value>{cdata(agent)}</wp:meta_value></wp:commentmeta>" if agent else "")
    return f"""
    <wp:comment>
      <wp:comment_id>{cid}</wp:comment_id>
      <wp:comment_author>{cdata(author)}</wp:comment_author>
      <wp:comment_author_email>{email}</wp:comment_author_email>
      <wp:comment_author_url>{escape(url)}</wp:comment_author_url>
      <wp:comment_author_IP>192.0.2.{cid % 250}</wp:comment_author_IP>
      <wp:comment_date>{date}</wp:comment_date>
      <wp:comment_date_gmt>{date}</wp:comment_date_gmt>
      <wp:comment_content>{cdata(content)}</wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>{user_id}</wp:comment_user_id>{meta}
    </wp:comment>"""


def item_xml(post_id, title, *, slug=None, content="<p>Body.</p>", excerpt="", post_type="post",
             status="publish", date="2020-01-01 09:00:00", date_gmt=None, creator="editor",
             categories=(), tags=(), comments="", meta=(), password="", link=None, parent=0,
             attachment_url="", comment_status="open", sticky=0):
    slug = slug if slug is not None else f"post-{post_id}"
    if link is None:
        link = f"https://old.example.org/{date[:10].replace('-', '/')}/{slug}/"
    terms = "".join(
        f'<category domain="{domain}" nicename="{s}">{cdata(n)}</category>'
        for domain, pairs in (("category", categories), ("post_tag", tags)) for s, n in pairs
    )
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value>"
        "</wp:postmeta>" for k, v in meta
    )
    attachment = (f"<wp:attachment_url>{escape(attachment_url)}</wp:attachment_url>"
                  if attachment_url else "")
    return f"""
  <item>
    <title>{escape(title)}</title>
    <link>{escape(link)}</link>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">https://old.example.org/?p={post_id}</guid>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{date}</wp:post_date>
    <wp:post_date_gmt>{date_gmt or date}</wp:post_date_gmt>
    <wp:comment_status>{comment_status}</wp:comment_status>
    <wp:post_name>{slug}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{post_type}</wp:post_type>
    <wp:post_password>{password}</wp:post_password>
    <wp:is_sticky>{sticky}</wp:is_sticky>{attachment}
    {terms}{metas}{comments}
  </item>"""


def wxr(*parts: str, version: str = "1.2", scheme: str = "https",
        site: str = "https://old.example.org", authors: str | None = None) -> str:
    ns = f"{scheme}://wordpress.org/export/{version}/"
    authors = authors if authors is not None else """
  <wp:author><wp:author_id>7</wp:author_id><wp:author_login>editor</wp:author_login>
    <wp:author_email>editor@old.example.org</wp:author_email>
    <wp:author_display_name>The Editor</wp:author_display_name>
    <wp:author_first_name>Ed</wp:author_first_name><wp:author_last_name>Itor</wp:author_last_name>
  </wp:author>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="{ns}">
<channel>
  <title>Old Site</title>
  <link>{site}</link>
  <description>An old site</description>
  <language>en-US</language>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <wp:base_blog_url>{site}</wp:base_blog_url>
  {authors}
  {"".join(parts)}
</channel>
</rss>
"""


def category_xml(term_id, slug, name, parent=""):
    return (f"<wp:category><wp:term_id>{term_id}</wp:term_id>"
            f"<wp:category_nicename>{slug}</wp:category_nicename>"
            f"<wp:category_parent>{parent}</wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>")


def tag_xml(term_id, slug, name):
    return (f"<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>")


@pytest.fixture
def write_wxr(tmp_path):
    """write_wxr(text, name="export.xml") -> Path"""

    def write(text: str, name: str = "export.xml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_import(db):
    """run_import(path, **options) -> Summary"""
    from masthead.importers.importer import import_wxr

    return import_wxr


@pytest.fixture(scope="module")
def theme_unit_site(django_db_setup, django_db_blocker):
    """WordPress's Theme Unit Test data imported once for a whole test module (the import takes
    seconds), inside a transaction that is rolled back when the module is done. Each test still
    runs in its own savepoint (the `db` fixture), so none sees another's changes."""
    from django.db import transaction

    from masthead.importers.importer import import_wxr

    with django_db_blocker.unblock(), transaction.atomic():
        summary = import_wxr(THEME_UNIT)
        yield summary
        transaction.set_rollback(True)
