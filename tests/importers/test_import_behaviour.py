"""What an import does with each kind of WordPress object, on small exports written here."""

import pytest
from django.contrib.auth import get_user_model

from masthead.comments.models import ArticleDiscussion, Comment
from masthead.importers.models import ImportedAttachment, LegacyURL, WordPressObject
from masthead.importers.wxr import WxrError
from masthead.newsroom.models import Article, Author, Page, Revision, Section, Tag

from .conftest import category_xml, comment_xml, item_xml, tag_xml, wxr

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (
        Article, Page, Section, Tag, Author, Comment, Revision, WordPressObject, LegacyURL,
        ImportedAttachment, get_user_model())}


def newsroom_file(title="First story", body="<p>Hello.</p>"):
    return wxr(
        category_xml(1, "news", "News"), category_xml(2, "local", "Local", parent="news"),
        category_xml(3, "harbour", "Harbour", parent="local"), tag_xml(9, "boats", "Boats"),
        item_xml(100, "A boat", attachment_url="https://old.example.org/up/boat.jpg",
                 post_type="attachment", status="inherit", parent=10, excerpt="The boat",
                 meta=[("_wp_attachment_image_alt", "A red boat")]),
        item_xml(10, title, content=body, categories=[("harbour", "Harbour"), ("news", "News")],
                 tags=[("boats", "Boats")], excerpt="A <b>short</b> summary.",
                 meta=[("_thumbnail_id", "100"), ("source_url", "https://wire.example.org/1"),
                       ("syndication_source", "The Wire"), ("_wp_old_slug", "old-name"),
                       ("_edit_lock", "1:1")],
                 comments=comment_xml(2, parent=1) + comment_xml(1, author="First")
                 + comment_xml(3, approved="spam") + comment_xml(4, approved="trash")
                 + comment_xml(5, approved="0", user_id=7, agent="Mozilla/5.0")),
        item_xml(11, "Draft story", status="draft", date_gmt="0000-00-00 00:00:00"),
        item_xml(12, "Pending story", status="pending", comment_status="closed"),
        item_xml(13, "Private story", status="private"),
        item_xml(14, "Secret story", password="hunter2"),
        item_xml(15, "Binned story", status="trash"),
        item_xml(16, "Sticky story", sticky=1, date="2021-05-05 10:00:00"),
        item_xml(20, "About us", post_type="page", slug="our-story",
                 link="https://old.example.org/company/our-story/"),
        item_xml(21, "Feed page", post_type="page", slug="feed"),
        item_xml(30, "Menu item", post_type="nav_menu_item"),
    )


@pytest.mark.postgres
def test_everything_lands_where_it_belongs(write_wxr, run_import):
    summary = run_import(write_wxr(newsroom_file()))
    story = Article.objects.get(title="First story")
    assert story.status == Article.Status.PUBLISHED
    assert story.slug == "post-10"
    assert story.published_at.isoformat() == "2020-01-01T09:00:00+00:00"
    assert story.dek == "A short summary."
    # Three levels of categories: the grandchild hangs under the top level.
    assert story.section.slug == "harbour" and story.section.parent.slug == "news"
    assert Section.objects.get(slug="local").parent.slug == "news"
    assert list(story.tags.values_list("slug", flat=True)) == ["boats"]
    assert [a.display_name for a in story.authors.all()] == ["The Editor"]
    user = get_user_model().objects.get(username="editor")
    assert (user.email, user.first_name, user.has_usable_password()) == (
        "editor@old.example.org", "Ed", False)
    assert story.featured_image_url == "https://old.example.org/up/boat.jpg"
    assert (story.image_alt, story.image_caption) == ("A red boat", "The boat")
    assert (story.source_url, story.source_name) == ("https://wire.example.org/1", "The Wire")
    assert Revision.objects.filter(article=story).count() == 1

    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses["Draft story"] == "draft" and statuses["Pending story"] == "pending"
    assert statuses["Private story"] == "draft" and statuses["Secret story"] == "draft"
    assert "Binned story" not in statuses
    assert Article.objects.get(title="Sticky story").importance == 5
    assert Article.objects.get(title="Draft story").published_at is None
    assert ArticleDiscussion.objects.get(article__title="Pending story").comments_open is False

    assert Page.objects.get(title="About us").slug == "our-story"
    assert Page.objects.get(title="Feed page").slug == "feed-page"  # /feed/ is the site's own

    attachment = ImportedAttachment.objects.get()
    assert (attachment.url, attachment.parent_wp_id, attachment.mime_type) == (
        "https://old.example.org/up/boat.jpg", "10", "image/jpeg")

    kept = WordPressObject.objects.get(kind="post", wp_id="10").meta
    assert ["_wp_old_slug", "old-name"] in kept["postmeta"]
    assert not any(k == "_edit_lock" for k, _ in kept["postmeta"])
    assert ["category", "news", "News"] in kept["terms"]  # the second category is not lost

    assert summary.counts["item (nav_menu_item)"]["skipped"] == 1
    assert summary.counts["article"]["skipped"] == 1
    assert any("password-protected" in w for w in summary.warnings)


@pytest.mark.postgres
def test_comments_keep_threads_statuses_and_authors(write_wxr, run_import):
    run_import(write_wxr(newsroom_file()))
    by_author = {c.import_ref.rsplit(":", 1)[1]: c for c in Comment.objects.all()}
    assert by_author["2"].parent == by_author["1"]  # the reply came before its parent in the file
    assert by_author["1"].author == "First" and by_author["1"].status == "approved"
    assert by_author["3"].status == "spam" and by_author["4"].status == "trash"
    assert by_author["5"].status == "pending"
    assert by_author["5"].user.username == "editor"
    assert by_author["5"].agent == "Mozilla/5.0"
    assert by_author["1"].author_ip == "192.0.2.1"
    assert by_author["1"].created_at.isoformat() == "2020-01-02T10:00:00+00:00"
    assert "<p>A comment.</p>" in by_author["1"].text_html


@pytest.mark.postgres
def test_reimport_is_idempotent_and_updates_changes(write_wxr, run_import):
    path = write_wxr(newsroom_file())
    first = run_import(path)
    before = counts()
    second = run_import(path)
    assert counts() == before
    assert second.total("created") == 0 and second.total("updated") == 0
    assert second.counts["article"]["unchanged"] == first.counts["article"]["created"]
    assert second.counts["comment"]["unchanged"] == 5

    changed = newsroom_file(title="First story, corrected", body="<p>Hello again.</p>")
    changed = changed.replace(comment_xml(1, author="First"), comment_xml(1, author="Renamed"))
    third = run_import(write_wxr(changed, name="changed.xml"))
    # Nothing new, except the updated article's revision: its history shows the change.
    assert counts() == {**before, "Revision": before["Revision"] + 1}
    assert third.counts["article"] == {"updated": 1, "unchanged": 5, "skipped": 1}
    assert third.counts["comment"]["updated"] == 1
    story = Article.objects.get(slug="post-10")
    assert story.title == "First story, corrected" and "Hello again." in story.body_html
    assert Comment.objects.filter(author="Renamed").count() == 1
    assert Revision.objects.filter(article=story).count() == 2


def test_dry_run_writes_nothing_and_reports_the_same(write_wxr, run_import):
    path = write_wxr(newsroom_file())
    before = counts()
    dry = run_import(path, dry_run=True)
    assert counts() == before
    assert dry.dry_run
    real = run_import(path)
    assert {k: dict(v) for k, v in dry.counts.items()} == {k: dict(v) for k, v in
                                                          real.counts.items()}


@pytest.mark.postgres
def test_truncated_file_leaves_the_site_as_it_was(write_wxr, run_import):
    run_import(write_wxr(newsroom_file()))
    before = counts()
    text = newsroom_file(title="Changed title")
    with pytest.raises(WxrError, match="truncated"):
        run_import(write_wxr(text[: text.index("Draft story")], name="cut.xml"))
    assert counts() == before
    assert Article.objects.filter(title="First story").exists()


@pytest.mark.postgres
def test_a_failure_midway_rolls_everything_back(write_wxr, run_import, monkeypatch):
    from masthead.importers.posts import PostImporter

    def explode(self, item):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PostImporter, "import_page", explode)
    before = counts()
    with pytest.raises(RuntimeError):
        run_import(write_wxr(newsroom_file()))
    assert counts() == before  # no article without its comments, no comment without its post


@pytest.mark.postgres
def test_unicode_slugs_and_name_clashes(write_wxr, run_import):
    Tag.objects.create(name="Boats", slug="vessels")
    Section.objects.create(name="News desk", slug="news")
    text = wxr(category_xml(1, "news", "News"), tag_xml(9, "boats", "Boats"),
               tag_xml(10, "%e6%b8%af", "港"),
               item_xml(10, "港口", slug="%e6%b8%af%e5%8f%a3", tags=[("%e6%b8%af", "港")],
                        categories=[("news", "News")]))
    run_import(write_wxr(text))
    assert Tag.objects.filter(name="Boats").count() == 1  # matched by name, not duplicated
    assert Section.objects.get(slug="news").name == "News desk"  # an existing section is kept
    chinese = Tag.objects.get(name="港")
    assert chinese.slug.isascii() and chinese.slug
    article = Article.objects.get(title="港口")
    assert article.slug.isascii() and article.slug
    assert LegacyURL.objects.filter(path="/tag/港", target_kind="tag",
                                    target_id=chinese.pk).exists()


def test_old_exports_without_declared_authors_or_ids(write_wxr, run_import):
    text = wxr(item_xml(5, "Old post", creator=">columnist", categories=[("", "Opinion")]),
               version="1.0", scheme="http", authors="")
    text = text.replace("<wp:post_id>5</wp:post_id>", "")
    run_import(write_wxr(text))
    article = Article.objects.get()
    assert [a.user.username for a in article.authors.all()] == ["columnist"]
    assert article.section.name == "Opinion"
    assert WordPressObject.objects.filter(kind="post", wp_id="5").exists()  # from ?p=5


def test_children_declared_before_their_parents(write_wxr, run_import):
    text = wxr(category_xml(3, "harbour", "Harbour", parent="local"),
               category_xml(2, "local", "Local", parent="news"),
               category_xml(1, "news", "News"),
               category_xml(4, "orphan", "Orphan", parent="never-declared"),
               item_xml(10, "Story", categories=[("harbour", "Harbour")]))
    summary = run_import(write_wxr(text))
    sections = {s.slug: (s.name, s.parent.slug if s.parent else None)
                for s in Section.objects.select_related("parent")}
    assert sections == {"news": ("News", None), "local": ("Local", "news"),
                        "harbour": ("Harbour", "news"), "orphan": ("Orphan", "never-declared"),
                        "never-declared": ("never-declared", None)}
    assert summary.counts["section"]["created"] == 5


def test_imported_articles_are_searchable_and_bylined(write_wxr, run_import):
    from masthead.discovery import site_search

    run_import(write_wxr(newsroom_file(body="<p>The lighthouse keeper retires.</p>")))
    results = site_search.search("lighthouse")
    assert [r.article.title for r in results.results] == ["First story"]
    author = Author.objects.get(user__username="editor")
    assert site_search.search("lighthouse", author_id=author.pk).total == 1
    # The search index follows editors' saves again once the import is over.
    story = Article.objects.get(title="First story")
    story.body = "The cormorant colony grows."
    story.save()
    assert site_search.search("cormorant").total == 1


def test_commenters_addresses_are_stored_lower_case_for_lookups(write_wxr, run_import):
    """Imports write comments in bulk, past Comment.save(): privacy requests and the spam
    filter's author history look addresses up lower-case, so imported ones must match."""
    run_import(write_wxr(wxr(item_xml(
        10, "Story", comments=comment_xml(1, email="  Rosa.Reader@Example.ORG ")))))
    assert list(Comment.objects.values_list("author_email", flat=True)) == [
        "rosa.reader@example.org"]
