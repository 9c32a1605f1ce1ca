"""Old WordPress addresses answer 301 to the new ones, in a fixed number of queries, and never
reveal what readers may not see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.newsroom.models import Article, Author, Page, Tag
from masthead.site.legacy_redirects import LegacyRedirectMiddleware  # noqa: F401 (installed)

from .conftest import category_xml, item_xml, tag_xml, wxr

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_site(write_wxr, run_import):
    text = wxr(
        category_xml(1, "news", "News"), category_xml(2, "local", "Local", parent="news"),
        tag_xml(9, "%e6%b8%af", "港"),
        item_xml(10, "Harbour reopens", slug="harbour-reopens", date="2019-03-04 08:00:00",
                 link="https://old.example.org/news/harbour-reopens.html",
                 categories=[("local", "Local")], tags=[("%e6%b8%af", "港")],
                 meta=[("_wp_old_slug", "harbour-to-reopen")]),
        item_xml(11, "Unfinished", status="draft", link="https://old.example.org/?p=11"),
        item_xml(12, "Column", creator="j.smith"),
        item_xml(20, "Contact", post_type="page", slug="contact-us",
                 link="https://old.example.org/about/contact-us/"),
    )
    run_import(write_wxr(text))
    return Article.objects.get(slug="harbour-reopens")


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200


@pytest.mark.postgres
def test_post_and_page_ids(client, old_site):
    assert_moved(client, "/?p=10", old_site.get_absolute_url())
    assert_moved(client, "/?page_id=20", Page.objects.get(slug="contact-us").get_absolute_url())
    assert_moved(client, "/?p=20", "/contact-us/")  # WordPress answers ?p= for pages too


@pytest.mark.postgres
def test_old_permalinks_and_old_slugs(client, old_site):
    assert_moved(client, "/news/harbour-reopens.html", old_site.get_absolute_url())
    assert_moved(client, "/NEWS/Harbour-Reopens.html", old_site.get_absolute_url())
    assert_moved(client, "/news/harbour-to-reopen.html", old_site.get_absolute_url())
    assert_moved(client, "/about/contact-us/", "/contact-us/")


@pytest.mark.postgres
def test_terms_and_authors(client, old_site):
    assert_moved(client, "/category/news/", "/section/news/")
    assert_moved(client, "/category/news/local/", "/section/local/")
    chinese = Tag.objects.get(name="港")
    assert_moved(client, "/tag/%E6%B8%AF/", chinese.get_absolute_url())
    assert_moved(client, "/?tag=%E6%B8%AF", chinese.get_absolute_url())
    assert_moved(client, "/?cat=2", "/section/local/")
    assert client.get("/author/editor/").status_code == 200  # same address: nothing to do
    columnist = Author.objects.get(user__username="j.smith")
    assert_moved(client, "/author/j.smith/", columnist.get_absolute_url())


def test_what_readers_may_not_see_stays_hidden(client, old_site):
    assert client.get("/?p=11").status_code == 200  # just the home page: no hint of the draft
    assert "Location" not in client.get("/?p=11")
    old_site.status = Article.Status.DRAFT
    old_site.save()
    assert client.get("/news/harbour-reopens.html").status_code == 404
    assert client.get("/?p=999").status_code == 200
    assert client.get("/no/such/place/").status_code == 404


def test_redirects_follow_later_moves(client, old_site):
    old_site.published_at = old_site.published_at.replace(year=2020)
    old_site.save()
    assert client.get("/?p=10")["Location"] == old_site.get_absolute_url()


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def test_a_redirect_costs_a_fixed_number_of_queries(client, old_site):
    client.get("/")  # warm up what every request loads once
    by_id = queries_for(client, "/?p=10")
    assert by_id == queries_for(client, "/?page_id=20") <= 3
    # A legacy path: the 404 the site drew first, then one look-up and one fetch of the target.
    plain_404 = queries_for(client, "/no/such/place/")
    assert queries_for(client, "/news/harbour-reopens.html") <= plain_404 + 2
    assert queries_for(client, "/category/news/local/") <= plain_404 + 2


@pytest.mark.postgres
def test_feeds(client, old_site):
    assert client.get("/feed/").status_code == 200  # the site's own feed, where WordPress's was
    assert_moved(client, "/feed/rss2/", "/feed/")
    assert_moved(client, "/wp-atom.php", "/feed/atom/")
    assert_moved(client, "/?feed=rss2", "/feed/")
    assert_moved(client, "/category/news/feed/", "/section/news/feed/")
    assert_moved(client, "/category/news/local/feed/atom/", "/section/local/feed/atom/")
    chinese = Tag.objects.get(name="港")
    assert_moved(client, "/tag/%E6%B8%AF/feed/", f"/tag/{chinese.slug}/feed/")
    columnist = Author.objects.get(user__username="j.smith")
    assert_moved(client, "/author/j.smith/feed/", f"/author/{columnist.slug}/feed/")
    assert client.get("/category/nowhere/feed/").status_code == 404
