import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.newsroom.models import Article, Author, Section, Tag

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def newsroom(make_article, section, author):
    # Migrations create these pages, but a transactional test elsewhere may have flushed them.
    from masthead.newsroom.models import Page

    for slug, title in [("privacy-policy", "Privacy & Cookies Policy"), ("about", "About")]:
        Page.objects.get_or_create(slug=slug, defaults={"title": title, "body": "Text."})
    europe = Section.objects.create(name="Europe", slug="europe", parent=section)
    tag = Tag.objects.create(name="Harbour")
    lead = make_article(title="Lead story", is_lead=True, importance=5, tags=[tag],
                        dek="The lead, summarised.")
    other = make_article(title="From the Europe desk", section=europe, tags=[tag])
    syndicated = make_article(
        title="Translated report", source_name="Nordic Wire", source_url="https://example.org/x",
        source_language="no", language="en",
        source_published_at=timezone.now() - timedelta(days=3),
    )
    return {"lead": lead, "other": other, "syndicated": syndicated, "tag": tag,
            "section": section, "europe": europe, "author": author}


def public_urls(n):
    a = n["lead"]
    when = a.published_at
    return [
        "/", a.get_absolute_url(), n["section"].get_absolute_url(), n["europe"].get_absolute_url(),
        n["tag"].get_absolute_url(), n["author"].get_absolute_url(), f"/{when:%Y}/",
        f"/{when:%Y/%m}/", f"/{when:%Y/%m/%d}/", "/privacy-policy/", "/about/",
    ]


def test_every_public_url_answers(client, newsroom):
    for url in public_urls(newsroom):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", [
    "/section/no-such-section/", "/tag/no-such-tag/", "/author/nobody/", "/no-such-page/",
    "/2026/13/", "/2026/02/30/", "/2026/02/30/some-slug/", "/2026/01/01/no-such-article/",
    "/section/world/?page=999", "/section/world/?page=abc", "/section/world/?page=-1",
    "/section/bad%20slug!/", "/2026/01/01/bad%20slug!/",
])
def test_bad_addresses_are_404_not_500(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"find that page" in response.content  # the site's own 404 page


def test_unpublished_and_scheduled_articles_are_hidden(client, make_article):
    draft = make_article(title="Draft piece", status=Article.Status.DRAFT)
    future = make_article(title="Future piece", published_at=timezone.now() + timedelta(hours=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404
    assert b"Future piece" not in client.get("/").content
    # Its time comes: no cron job, no stale page.
    Article.objects.filter(pk=future.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(Article.objects.get(pk=future.pk).get_absolute_url()).status_code == 200


def test_article_page_furniture_in_order(client, newsroom):
    a = newsroom["syndicated"]
    html = client.get(a.get_absolute_url()).content.decode()
    crumbs = html.index('aria-label="Breadcrumbs"')
    h1 = html.index('<h1 class="p-name')
    byline = html.index("by <a class=\"p-author h-card\"")
    released = html.index('<time class="dt-published"')
    source = html.index("Source of information:")
    body = html.index('class="e-content')
    assert crumbs < h1 < byline < released < source < body
    assert html.count("<h1") == 1
    assert 'href="https://example.org/x"' in html and "Nordic Wire" in html
    assert "originally in" in html and "Norwegian" in html
    assert "first published" in html
    assert 'href="/privacy-policy/"' in html
    for cls in ["h-entry", "p-name", "p-author h-card", "dt-published", "e-content", "u-url"]:
        assert cls in html


def test_article_structured_data(client, newsroom):
    a = newsroom["syndicated"]
    html = client.get(a.get_absolute_url()).content.decode()
    blocks = [json.loads(m) for m in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    for key in ["headline", "datePublished", "dateModified", "author", "publisher",
                "mainEntityOfPage", "inLanguage", "isBasedOn"]:
        assert key in article, key
    assert article["isBasedOn"]["url"] == "https://example.org/x"
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    names = [i["name"] for i in crumbs["itemListElement"]]
    assert names == ["Home", "World", "Translated report"]


def test_update_date_is_shown_only_when_updated(client, make_article):
    a = make_article(title="Updated piece")
    assert "dt-updated" not in client.get(a.get_absolute_url()).content.decode()
    a.updated_at = timezone.now()
    a.save()
    assert "dt-updated" in client.get(a.get_absolute_url()).content.decode()


def test_list_links_carry_rel_bookmark(client, newsroom):
    html = client.get(newsroom["section"].get_absolute_url()).content.decode()
    links = re.findall(r'<a [^>]*href="(/\d{4}/\d{2}/\d{2}/[^"]+)"[^>]*>', html)
    tags = re.findall(r'<a [^>]*href="/\d{4}/\d{2}/\d{2}/[^"]+"[^>]*>', html)
    assert links and all('rel="bookmark"' in t for t in tags)


def test_article_address_with_a_wrong_date_redirects(client, newsroom):
    a = newsroom["lead"]
    r = client.get(f"/2001/01/01/{a.slug}/")
    assert r.status_code == 301 and r["Location"] == a.get_absolute_url()


def test_script_in_a_body_never_reaches_the_page(client, make_article):
    a = make_article(body='Hi <script>alert("x")</script> <a href="javascript:alert(1)">y</a>')
    html = client.get(a.get_absolute_url()).content.decode()
    assert 'alert("x")' not in html and "javascript:alert" not in html


def test_title_with_html_is_escaped(client, make_article):
    a = make_article(title="<img src=x onerror=alert(1)> headline")
    html = client.get(a.get_absolute_url()).content.decode()
    assert "<img src=x onerror" not in html


def test_breaking_banner_shows_until_it_expires(client, make_article):
    a = make_article(title="Storm warning", breaking_until=timezone.now() + timedelta(hours=1))
    assert b'aria-label="Breaking news"' in client.get("/").content
    Article.objects.filter(pk=a.pk).update(breaking_until=timezone.now() - timedelta(seconds=1))
    assert b'aria-label="Breaking news"' not in client.get("/").content


def test_home_orders_itself_by_importance_and_lead(client, make_article):
    make_article(title="Minor note", importance=1, published_at=timezone.now() - timedelta(hours=1))
    make_article(title="Big story", importance=5, published_at=timezone.now() - timedelta(hours=3))
    html = client.get("/").content.decode()
    assert html.index("Big story") < html.index("Minor note")
    make_article(title="Chosen lead", importance=2, is_lead=True)
    html = client.get("/").content.decode()
    assert html.index("Chosen lead") < html.index("Big story")


def test_identical_bytes_for_every_anonymous_reader(client, newsroom):
    from django.test import Client

    for url in public_urls(newsroom):
        first = Client().get(url)
        second = Client(HTTP_USER_AGENT="Other/1.0", HTTP_COOKIE="unrelated=1").get(url)
        assert first.content == second.content, url
        assert "Set-Cookie" not in first.headers, url


def _grow(make_article, n, tags, authors):
    for i in range(n):
        make_article(title=f"Filler {i}", tags=tags, authors=authors)


def test_query_counts_do_not_grow_with_the_archive(client, newsroom, make_article):
    """Each public page costs the same number of queries with 3 or 40 articles, tags, authors."""
    def counts():
        result = {}
        for url in public_urls(newsroom):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result[url] = len(ctx.captured_queries)
        return result

    counts()  # the first visit may create settings rows; what must not grow is the steady state
    before = counts()
    extra_tags = [Tag.objects.create(name=f"Tag {i}") for i in range(10)]
    extra_authors = [Author.objects.create(display_name=f"Writer {i}") for i in range(5)]
    _grow(make_article, 40, extra_tags + [newsroom["tag"]], extra_authors + [newsroom["author"]])
    newsroom["lead"].tags.add(*extra_tags)
    newsroom["lead"].authors.add(*extra_authors)
    after = counts()
    assert before == after
    assert max(after.values()) <= 16, after


def test_pagination(client, make_article, section, settings):
    settings.MASTHEAD_PAGE_SIZE = 5
    for i in range(12):
        make_article(title=f"Paged {i}")
    html = client.get(section.get_absolute_url()).content.decode()
    assert 'rel="next"' in html and "Page 1 of 3" in html
    assert client.get(section.get_absolute_url() + "?page=3").status_code == 200
    assert client.get(section.get_absolute_url() + "?page=4").status_code == 404


def test_accessibility_basics(client, newsroom):
    for url in public_urls(newsroom):
        html = client.get(url).content.decode()
        assert 'class="skip-link" href="#main"' in html, url
        assert '<main id="main"' in html and 'role="banner"' in html
        assert 'role="contentinfo"' in html
        assert re.search(r"<html lang=\"[a-z]{2}", html)
        for img in re.findall(r"<img [^>]*>", html):
            assert "alt=" in img, img
        assert html.count("<h1") == 1, url


def test_translation_links_both_ways(client, make_article):
    original = make_article(title="Sea wall approved")
    german = make_article(title="Schutzmauer beschlossen", language="de", translation_of=original)
    html = client.get(original.get_absolute_url()).content.decode()
    assert german.get_absolute_url() in html and 'hreflang="de"' in html
    html = client.get(german.get_absolute_url()).content.decode()
    assert original.get_absolute_url() in html and '<html lang="de"' in html


def test_500_page_looks_like_the_site(client, settings):
    from masthead.site.errors import server_error

    response = server_error(None)
    assert response.status_code == 500 and b"skip-link" in response.content


def test_dates_follow_the_site_time_zone(client, make_article):
    import datetime

    from masthead.newsroom.models import SiteSettings

    site = SiteSettings.current()
    site.time_zone = "Asia/Tokyo"
    site.save()
    when = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)
    a = make_article(title="Late edition", published_at=when)
    response = client.get(f"/2026/01/02/{a.slug}/")  # 05:00 on 2 January in Tokyo
    assert response.status_code == 200
    assert "2 January 2026, 05:00" in response.content.decode()
    assert client.get("/2026/01/02/").content.decode().count("Late edition") == 1


def test_unknown_time_zone_is_refused_by_the_settings_form():
    from django.core.exceptions import ValidationError

    from masthead.newsroom.models import SiteSettings

    site = SiteSettings.current()
    site.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError):
        site.full_clean()


def test_publisher_logo_in_structured_data_exists(client, newsroom):
    html = client.get(newsroom["lead"].get_absolute_url()).content.decode()
    logo = re.search(r'"logo": \{"@type": "ImageObject", "url": "http://testserver([^"]+)"', html)
    assert logo, "the publisher carries a logo"
    from django.contrib.staticfiles import finders

    assert finders.find(logo.group(1).removeprefix("/static/"))
