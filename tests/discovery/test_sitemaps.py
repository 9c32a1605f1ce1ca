"""Sitemaps and robots.txt, validated against the sitemap protocol's XML schemas (copies in
schemas/, since tests never reach the internet)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from masthead.discovery import sitemaps
from masthead.newsroom.models import Article, Page

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "image": "http://www.google.com/schemas/sitemap-image/1.1",
      "news": "http://www.google.com/schemas/sitemap-news/0.9"}


@pytest.fixture(scope="module")
def urlset_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "urlset-with-extensions.xsd")))


@pytest.fixture(scope="module")
def index_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))


def fetch(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    schema.assertValid(doc)
    return doc


def locs(doc):
    return [e.text for e in doc.iterfind(".//sm:loc", NS)]


def test_the_schemas_reject_what_the_protocol_forbids(urlset_schema, index_schema):
    bad = [
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2026-01-01'
        b"</lastmod></url></urlset>",  # no loc
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.example/'
        b"</loc><lastmod>yesterday</lastmod></url></urlset>",
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.example/'
        b'</loc><image:image xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        b"<image:title>no loc</image:title></image:image></url></urlset>",
    ]
    for xml in bad:
        assert not urlset_schema.validate(etree.fromstring(xml))
    assert not index_schema.validate(etree.fromstring(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<lastmod>2026-01-01</lastmod></sitemap></sitemapindex>"))


def test_index_lists_every_sitemap_and_each_validates(client, newsroom, urlset_schema,
                                                      index_schema):
    index = fetch(client, "/sitemap.xml", index_schema)
    listed = locs(index)
    assert listed == [f"http://testserver/sitemap-{name}.xml"
                      for name in ("articles", "sections", "tags", "authors", "pages")]
    lastmods = [e.text for e in index.iterfind(".//sm:lastmod", NS)]
    assert len(lastmods) == len(listed) and all(lastmods)
    everything = []
    for url in listed:
        everything += locs(fetch(client, url.removeprefix("http://testserver"), urlset_schema))
    n = newsroom
    for obj in (n["lead"], n["europe_story"], n["match"], n["section"], n["europe"], n["sport"],
                n["tag"], n["author"], n["other_author"]):
        assert "http://testserver" + obj.get_absolute_url() in everything, obj
    assert "http://testserver/privacy-policy/" in everything


def test_articles_sitemap_has_lastmod_images_and_only_published(client, make_article,
                                                                 urlset_schema):
    shown = make_article(title="With picture", featured_image_url="https://img.example.org/p.jpg",
                         updated_at=timezone.now() - timedelta(minutes=1))
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(days=1))
    doc = fetch(client, "/sitemap-articles.xml", urlset_schema)
    urls = doc.findall("sm:url", NS)
    assert len(urls) == 1
    assert urls[0].findtext("sm:loc", namespaces=NS) == "http://testserver" + \
        shown.get_absolute_url()
    assert urls[0].findtext("sm:lastmod", namespaces=NS) == shown.updated_at.isoformat()
    assert urls[0].findtext("image:image/image:loc", namespaces=NS) == \
        "https://img.example.org/p.jpg"


def test_big_sitemaps_are_paged(client, make_article, monkeypatch, urlset_schema, index_schema):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for i in range(5):
        make_article(title=f"Story {i}")
    listed = locs(fetch(client, "/sitemap.xml", index_schema))
    article_maps = [u for u in listed if "sitemap-articles" in u]
    assert article_maps == ["http://testserver/sitemap-articles.xml",
                            "http://testserver/sitemap-articles.xml?p=2",
                            "http://testserver/sitemap-articles.xml?p=3"]
    seen = []
    for page in (1, 2, 3):
        seen += locs(fetch(client, f"/sitemap-articles.xml?p={page}", urlset_schema))
    assert len(set(seen)) == 5
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_empty_sitemaps_are_left_out_of_the_index(client, index_schema):
    Page.objects.all().delete()
    assert client.get("/sitemap.xml").status_code == 200
    assert b"<sitemap>" not in client.get("/sitemap.xml").content


def test_news_sitemap_holds_the_last_48_hours(client, make_article, urlset_schema):
    recent = make_article(title="Fresh news & more",
                          published_at=timezone.now() - timedelta(hours=3))
    chinese = make_article(title="港口新闻", language="zh",
                           published_at=timezone.now() - timedelta(hours=5))
    make_article(title="Old news", published_at=timezone.now() - timedelta(hours=49))
    make_article(title="Not yet", published_at=timezone.now() + timedelta(hours=1))
    doc = fetch(client, "/news-sitemap.xml", urlset_schema)
    urls = doc.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [
        "http://testserver" + recent.get_absolute_url(),
        "http://testserver" + chinese.get_absolute_url(),
    ]
    news = urls[0].find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Masthead News"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh news & more"
    assert news.findtext("news:publication_date", namespaces=NS) == recent.published_at.isoformat()
    assert urls[1].findtext("news:news/news:publication/news:language", namespaces=NS) == "zh-cn"


def test_base_url_is_used_for_every_location(client, newsroom, settings, index_schema,
                                             urlset_schema):
    settings.BASE_URL = "https://news.example.org"
    maps = locs(fetch(client, "/sitemap.xml", index_schema))
    articles = locs(fetch(client, "/sitemap-articles.xml", urlset_schema))
    assert len(maps) == 5 and len(articles) == 3  # all() of nothing would pass
    assert all(u.startswith("https://news.example.org/") for u in maps + articles)


def test_robots_txt_points_to_the_sitemaps(client, settings):
    settings.BASE_URL = "https://news.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: https://news.example.org/sitemap.xml" in text
    assert "Sitemap: https://news.example.org/news-sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_sitemaps_cost_a_fixed_number_of_queries(client, make_article):
    make_article(title="First")
    client.get("/sitemap.xml")  # the site settings row may be created on first use
    counts = []
    for _ in range(2):
        for url in ("/sitemap.xml", "/sitemap-articles.xml", "/sitemap-sections.xml",
                    "/news-sitemap.xml"):
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            counts.append(len(ctx))
        for i in range(10):
            make_article(title=f"More {i}", featured_image_url="https://img.example.org/x.jpg")
    assert counts[:4] == counts[4:]
