"""WordPress's Theme Unit Test data, imported once for this module: counts against the file,
the edge cases it was written for, threading, and every old link."""

import lxml.html
import pytest
from lxml import etree

from masthead.comments.models import Comment
from masthead.importers.models import LegacyURL, WordPressObject
from masthead.newsroom.models import Article, Page, Section

from .conftest import THEME_UNIT
from .test_datasets import Expected, check_counts

pytestmark = pytest.mark.django_db
WP = "{https://wordpress.org/export/1.2/}"


@pytest.fixture(scope="module")
def expected():
    return Expected(THEME_UNIT)


@pytest.mark.postgres
def test_counts_match_the_file(theme_unit_site, expected):
    check_counts(expected, theme_unit_site)


def test_edge_cases(theme_unit_site):
    # Password-protected text stays private: imported as a draft.
    protected = Article.objects.get(title__startswith="Template: Password Protected")
    assert protected.status == Article.Status.DRAFT
    scheduled = Article.objects.get(status=Article.Status.SCHEDULED)
    assert scheduled.published_at.isoformat() == "2030-01-01T19:00:18+00:00"  # the GMT column
    # HTML in a title is taken out; the words stay.
    assert Article.objects.filter(title="Markup: Title With Markup").exists()
    # Sections nest one level: a grandchild category hangs under its top-level ancestor.
    grandchild = Section.objects.get(slug="grandchild-category")
    assert grandchild.parent.slug == "parent-category" and grandchild.parent.parent_id is None
    assert Section.objects.get(slug="child-category-03").parent.slug == "parent-category"
    assert any("3 levels deep" in w for w in theme_unit_site.warnings)
    # Sticky posts lead.
    assert Article.objects.filter(importance=5).exists()
    # The bodies render: tables, figures and captions survive the sanitiser.
    for slug in ("markup-html-tags-and-formatting", "blocks-formatting"):
        html = Article.objects.get(slug=slug).body_html
        assert "<table>" in html and "<td>" in html
    caption = Article.objects.get(slug="markup-image-alignment")
    assert "<figure" in caption.body_html and "<figcaption" in caption.body_html
    assert "[caption" not in caption.body_html
    # Featured images are recorded by their original URL.
    assert Article.objects.filter(featured_image_url__startswith="https://").exists()


def test_comment_threading(theme_unit_site, expected):
    assert expected.replies, "the theme unit test data has threaded comments"
    for wp_id, parent_wp_id in expected.replies:
        comment = Comment.objects.select_related("parent").get(import_ref__endswith=f":{wp_id}")
        assert comment.parent is not None
        assert comment.parent.import_ref.endswith(f":{parent_wp_id}")
        assert comment.parent.article_id == comment.article_id
    assert Comment.objects.filter(parent__parent__isnull=False).exists(), "deeper than one level"


def test_every_old_link_reaches_its_article(theme_unit_site, client):
    assert LegacyURL.objects.filter(path="/category/parent-category/child-category-03").exists()
    root = etree.parse(str(THEME_UNIT)).getroot()
    checked = 0
    for item in root.iter("item"):
        if item.findtext(f"{WP}post_type") != "post" or item.findtext(f"{WP}status") != "publish":
            continue
        if item.findtext(f"{WP}post_password"):
            continue
        article = Article.objects.get(slug=item.findtext(f"{WP}post_name"))
        target = article.get_absolute_url()
        path = item.findtext("link").split("wordpress.com", 1)[1]
        if path != target:  # an address the site does not answer itself
            response = client.get(path)
            assert response.status_code == 301 and response["Location"] == target, path
        by_id = client.get(f"/?p={item.findtext(f'{WP}post_id')}")
        assert by_id.status_code == 301 and by_id["Location"] == target
        checked += 1
    assert checked == 13  # 14 published posts, one of them password-protected (now a draft)
    pages = {m.wp_id: m.object_id for m in WordPressObject.objects.filter(kind="page")}
    for item in root.iter("item"):
        if item.findtext(f"{WP}post_type") == "page":
            page = Page.objects.get(pk=pages[item.findtext(f"{WP}post_id")])
            response = client.get(f"/?page_id={item.findtext(f'{WP}post_id')}")
            assert response.status_code == 301 and response["Location"] == page.get_absolute_url()
    assert client.get(page.get_absolute_url()).status_code == 200
    for section in Section.objects.all()[:10]:
        assert client.get(f"/category/{section.slug}/")["Location"] == f"/section/{section.slug}/"


def content_of(html: str) -> tuple:
    """The elements and the words of a body. Whitespace between block elements means nothing in
    HTML (and WordPress adds some on the way), so it is left out."""
    if not html.strip():
        return ()
    root = lxml.html.fromstring(f"<div>{html}</div>")
    return (tuple(el.tag for el in root.iter()), "".join(root.text_content().split()),
            tuple(sorted(el.get("href") or el.get("src") or "" for el in root.iter("a", "img"))))


def site_snapshot() -> dict:
    """Everything an export must carry, keyed so that primary keys do not matter."""
    from django.contrib.auth import get_user_model

    from masthead.comments.models import ArticleDiscussion
    from masthead.newsroom.models import Author, Tag

    articles = {
        a.slug: (a.title, a.status, a.published_at, a.section.slug if a.section else None,
                 tuple(sorted(t.slug for t in a.tags.all())),
                 tuple(sorted(x.user.username for x in a.authors.all())), a.dek,
                 content_of(a.body_html), a.source_url, a.source_name, a.featured_image_url,
                 a.image_alt, a.importance)
        for a in Article.objects.prefetch_related("tags", "authors__user").select_related(
            "section")
    }
    comments = sorted(
        (c.article.slug, c.author, c.author_email, c.author_url, c.author_ip, c.agent, c.status,
         c.created_at, c.user.username if c.user else None, content_of(c.text_html),
         (c.parent.author, c.parent.created_at) if c.parent else None)
        for c in Comment.objects.select_related("article", "parent", "user")
    )
    return {
        "articles": articles,
        "pages": {p.slug: (p.title, p.is_published, content_of(p.body_html))
                  for p in Page.objects.all()},
        "sections": {s.slug: (s.name, s.parent.slug if s.parent else None, s.description)
                     for s in Section.objects.select_related("parent")},
        "tags": dict(Tag.objects.values_list("slug", "name")),
        "authors": {a.user.username: (a.display_name, a.user.email)
                    for a in Author.objects.select_related("user")},
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
        "comments": comments,
        "closed": sorted(ArticleDiscussion.objects.filter(comments_open=False)
                         .values_list("article__slug", flat=True)),
    }


def wipe_site() -> None:
    from django.contrib.auth import get_user_model

    from masthead.importers.models import ImportedAttachment
    from masthead.newsroom.models import Author, Tag

    Comment.objects.all().delete()
    Article.objects.all().delete()
    Page.objects.all().delete()
    Section.objects.exclude(parent=None).delete()
    Section.objects.all().delete()
    for model in (Tag, Author, WordPressObject, LegacyURL, ImportedAttachment):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.mark.postgres
def test_export_then_import_into_an_empty_site_gives_the_same_site(theme_unit_site, tmp_path):
    from masthead.importers.export import export_wxr
    from masthead.importers.importer import import_wxr

    before = site_snapshot()
    path = tmp_path / "export.xml"
    counts = export_wxr(path, base_url="https://new.example.org")
    assert counts["posts"] == len(before["articles"]) and counts["comments"] == len(
        before["comments"])
    wipe_site()
    assert not Article.objects.exists()
    summary = import_wxr(path)
    assert summary.counts["article"]["created"] == len(before["articles"])
    after = site_snapshot()
    for key in before:
        assert after[key] == before[key], key
