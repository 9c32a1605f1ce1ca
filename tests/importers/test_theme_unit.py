"""WordPress's Theme Unit Test data, imported once for this module: counts against the file,
the edge cases it was written for, threading, and every old link."""

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
    assert checked == 55  # 56 published posts, one of them password-protected (now a draft)
    pages = {m.wp_id: m.object_id for m in WordPressObject.objects.filter(kind="page")}
    for item in root.iter("item"):
        if item.findtext(f"{WP}post_type") == "page":
            page = Page.objects.get(pk=pages[item.findtext(f"{WP}post_id")])
            response = client.get(f"/?page_id={item.findtext(f'{WP}post_id')}")
            assert response.status_code == 301 and response["Location"] == page.get_absolute_url()
    assert client.get(page.get_absolute_url()).status_code == 200
    for section in Section.objects.all()[:10]:
        assert client.get(f"/category/{section.slug}/")["Location"] == f"/section/{section.slug}/"
