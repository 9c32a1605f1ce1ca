"""Import real WordPress exports (trimmed copies in fixtures/) and check what arrived against what
each file holds (counted here with lxml, independently of the importer), and against the figures
the fixtures' README publishes."""

from collections import Counter

import pytest
from lxml import etree

from masthead.comments.models import Comment
from masthead.importers.models import WordPressObject
from masthead.newsroom.models import Article, Author, Page, Section, Tag

from .conftest import BLOCKS, DATASET_FILES, PREVIEW, THEME_UNIT

IMPORTED_STATUSES = {"publish", "future", "draft", "pending", "private"}


class Expected:
    """What a WXR file contains, read with plain lxml."""

    def __init__(self, path):
        root = etree.parse(str(path)).getroot()
        wp = next(uri for uri in root.nsmap.values() if "wordpress.org/export" in uri
                  and not uri.endswith("excerpt/"))
        dc = "http://purl.org/dc/elements/1.1/"
        t = lambda el, name: (el.findtext(f"{{{wp}}}{name}") or "").strip()  # noqa: E731
        channel = root.find("channel")
        self.items = channel.findall("item")
        self.posts = [i for i in self.items if t(i, "post_type") == "post"
                      and t(i, "status") in IMPORTED_STATUSES]
        self.pages = [i for i in self.items if t(i, "post_type") == "page"
                      and t(i, "status") in IMPORTED_STATUSES]
        self.statuses = Counter(t(i, "status") for i in self.posts)
        self.protected = [i for i in self.posts if t(i, "post_password")]
        self.post_comments = [c for i in self.posts for c in i.findall(f"{{{wp}}}comment")]
        self.all_comments = [c for i in self.items for c in i.findall(f"{{{wp}}}comment")]
        self.comment_statuses = Counter(t(c, "comment_approved") for c in self.post_comments)
        self.replies = [(t(c, "comment_id"), t(c, "comment_parent")) for c in self.post_comments
                        if t(c, "comment_parent") not in {"", "0"}]
        declared_categories = {t(c, "category_nicename")
                               for c in channel.findall(f"{{{wp}}}category")}
        declared_tags = {t(c, "tag_slug") for c in channel.findall(f"{{{wp}}}tag")}
        self.declared_categories, self.declared_tags = declared_categories, declared_tags
        used = lambda domain, items: {  # noqa: E731
            c.get("nicename") or (c.text or "").strip() for i in items
            for c in i.findall("category") if (c.get("domain") or "category") == domain
        }
        # A post's section is its first category: the sections are the declared categories
        # plus those first categories the file never declared.
        first_categories = set()
        for item in self.posts:
            cats = [c for c in item.findall("category")
                    if (c.get("domain") or "category") == "category"]
            if cats:
                first_categories.add(cats[0].get("nicename") or (cats[0].text or "").strip())
        self.sections = declared_categories | first_categories
        self.tags = declared_tags | used("post_tag", self.posts)
        self.declared_authors = {t(a, "author_login") for a in channel.findall(f"{{{wp}}}author")}
        creators = {(i.findtext(f"{{{dc}}}creator") or "").strip().strip("<>")
                    for i in self.posts + self.pages}
        self.authors = self.declared_authors | (creators - {""})


@pytest.fixture(scope="module")
def expected():
    return {path.name: Expected(path) for path in DATASET_FILES}


def test_readme_figures_for_the_fixtures(expected):
    e = expected[THEME_UNIT.name]
    assert len(e.declared_authors) == 2
    assert len(e.declared_categories) == 68
    assert len(e.declared_tags) == 110
    assert e.statuses == {"publish": 14, "future": 1, "draft": 1}
    assert len(e.pages) == 7
    assert len(e.all_comments) == 32
    assert len(e.all_comments) - len(e.post_comments) == 5  # on pages
    assert Counter(c.findtext("{https://wordpress.org/export/1.2/}comment_approved")
                   for c in e.all_comments) == {"1": 29, "0": 3}
    blocks = expected[BLOCKS.name]
    assert (len(blocks.posts), len(blocks.pages), len(blocks.all_comments)) == (8, 1, 2)
    preview = expected[PREVIEW.name]
    assert (len(preview.posts), len(preview.all_comments)) == (7, 2)


def check_counts(e: "Expected", summary) -> None:
    """What the import made, against what the file holds."""
    assert Article.objects.count() == len(e.posts)
    published = e.statuses["publish"] - len([i for i in e.protected])
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == published
    assert Article.objects.filter(status=Article.Status.SCHEDULED).count() == e.statuses["future"]
    # Other apps may seed pages (a privacy policy, say): count the imported ones.
    imported_pages = WordPressObject.objects.filter(kind="page").values("object_id")
    assert Page.objects.filter(pk__in=imported_pages).count() == len(e.pages)
    assert Comment.objects.count() == len(e.post_comments)
    # Comments on pages come over with their page: shown in it, and every one of them kept
    # with the page's import record.
    on_pages = sum(len(m.meta.get("comments", []))
                   for m in WordPressObject.objects.filter(kind="page"))
    assert Comment.objects.count() + on_pages == len(e.all_comments)
    assert summary.counts["comment"]["skipped"] == 0
    statuses = Counter(Comment.objects.values_list("status", flat=True))
    assert statuses[Comment.Status.APPROVED] == e.comment_statuses["1"]
    assert statuses[Comment.Status.PENDING] == e.comment_statuses["0"]
    assert Section.objects.count() == len(e.sections)
    assert WordPressObject.objects.filter(kind="tag").count() == len(e.tags)
    assert len(e.declared_tags) <= Tag.objects.count() <= len(e.tags)
    assert Author.objects.count() == len(e.authors)
    assert set(Author.objects.values_list("user__username", flat=True)) == e.authors
    assert summary.total("created") > 0


@pytest.mark.parametrize("path", [BLOCKS, PREVIEW], ids=lambda p: p.name)
def test_counts_match_the_file(path, expected, run_import):
    assert not Article.objects.exists() and not Comment.objects.exists()
    check_counts(expected[path.name], run_import(path))


def test_block_content_is_clean(run_import):
    run_import(BLOCKS)
    for body in Article.objects.values_list("body", flat=True):
        assert "<!-- wp:" not in body
        assert "<script" not in body.lower()
    gallery = Article.objects.filter(body_html__contains="Gallery caption").first()
    assert gallery is not None and "<figure" in gallery.body_html
