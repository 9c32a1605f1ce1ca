"""What every page's <head> tells other machines: feed links, canonical URL, OpenGraph and
Twitter cards, hreflang alternates, and schema.org JSON-LD read back with extruct."""

import re

import extruct
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from masthead.newsroom.models import Article

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# What Google's Article documentation lists: no property is strictly required any more; these
# are the recommended ones, and schema.org's NewsArticle is checked for all of them.
ARTICLE_RECOMMENDED = {"headline", "image", "datePublished", "dateModified", "author"}


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    tree = lxml_html.fromstring(response.content)
    return response, tree


def meta(tree, key):
    found = tree.xpath(f'//head/meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if len(found) == 1 else found


def json_ld(response):
    data = extruct.extract(response.content.decode(), base_url="http://testserver/",
                           syntaxes=["json-ld"], uniform=True)["json-ld"]
    return {item["@type"]: item for item in data}


def test_every_public_page_has_feeds_canonical_and_cards(client, newsroom):
    n = newsroom
    for url in ["/", n["lead"].get_absolute_url(), n["section"].get_absolute_url(),
                n["tag"].get_absolute_url(), n["author"].get_absolute_url(), "/about/",
                "/search/?q=x"]:
        _, tree = head(client, url)
        feeds = tree.xpath('//head/link[@rel="alternate"][@type]/@href')
        assert "/feed/" in feeds and "/feed/atom/" in feeds, url
        assert len(tree.xpath('//head/link[@rel="canonical"]')) == 1, url
        for key in ("og:title", "og:url", "og:type", "og:site_name", "twitter:card",
                    "twitter:title"):
            assert meta(tree, key), (url, key)
        assert tree.xpath("//head/title/text()"), url
        assert len(tree.xpath('//head/meta[@name="description"]')) == 1, url


def test_archive_pages_announce_their_own_feeds(client, newsroom):
    n = newsroom
    for kind, obj in (("section", n["section"]), ("tag", n["tag"]), ("author", n["author"])):
        _, tree = head(client, obj.get_absolute_url())
        feeds = tree.xpath('//head/link[@rel="alternate"][@type]/@href')
        assert f"/{kind}/{obj.slug}/feed/" in feeds and f"/{kind}/{obj.slug}/feed/atom/" in feeds


def test_article_cards_and_canonical(client, make_article, settings, newsroom):
    settings.BASE_URL = "https://news.example.org"
    article = make_article(title="Quay <reopens>", dek="Boats & bikes are back.",
                           featured_image_url="https://img.example.org/quay.jpg",
                           image_alt="The quay at dawn", tags=[newsroom["tag"]])
    _, tree = head(client, article.get_absolute_url() + "?utm_source=x")
    canonical = "https://news.example.org" + article.get_absolute_url()
    assert tree.xpath('//head/link[@rel="canonical"]/@href') == [canonical]
    assert meta(tree, "og:type") == "article"
    assert meta(tree, "og:title") == "Quay <reopens>"
    assert meta(tree, "og:description") == "Boats & bikes are back."
    assert meta(tree, "og:image") == "https://img.example.org/quay.jpg"
    assert meta(tree, "og:image:alt") == "The quay at dawn"
    assert meta(tree, "og:url") == canonical
    assert meta(tree, "twitter:card") == "summary_large_image"
    assert meta(tree, "article:published_time") == article.published_at.isoformat()
    assert meta(tree, "article:tag") == "Harbour"
    assert meta(tree, "article:author").startswith("https://news.example.org/author/")


def test_paged_archives_are_canonical_to_themselves(client, make_article, settings, section):
    settings.MASTHEAD_PAGE_SIZE = 1
    make_article(title="One")
    make_article(title="Two")
    _, tree = head(client, section.get_absolute_url() + "?page=2")
    assert tree.xpath('//head/link[@rel="canonical"]/@href') == [
        "http://testserver" + section.get_absolute_url() + "?page=2"]


def test_hreflang_links_an_article_and_its_translations(client, make_article):
    original = make_article(title="Harbour wall approved", language="en")
    german = make_article(title="Hafenmauer genehmigt", language="de", translation_of=original)
    french = make_article(title="Mur du port approuvé", language="fr", translation_of=original)
    make_article(title="Brouillon", language="es", translation_of=original,
                 status=Article.Status.DRAFT)
    expected = {
        "en": "http://testserver" + original.get_absolute_url(),
        "de": "http://testserver" + german.get_absolute_url(),
        "fr": "http://testserver" + french.get_absolute_url(),
        "x-default": "http://testserver" + original.get_absolute_url(),
    }
    for article in (original, german, french):
        _, tree = head(client, article.get_absolute_url())
        links = {link.get("hreflang"): link.get("href")
                 for link in tree.xpath('//head/link[@rel="alternate"][@hreflang]')}
        assert links == expected, article.language


def test_an_article_without_translations_has_no_hreflang(client, newsroom):
    _, tree = head(client, newsroom["lead"].get_absolute_url())
    assert tree.xpath('//head/link[@hreflang]') == []


def test_news_article_json_ld_has_what_search_engines_ask_for(client, make_article, newsroom):
    article = make_article(title="Harbour wall approved", dek="The council voted.",
                           featured_image_url="https://img.example.org/wall.jpg",
                           tags=[newsroom["tag"]])
    response, _ = head(client, article.get_absolute_url())
    data = json_ld(response)
    news = data["NewsArticle"]
    assert ARTICLE_RECOMMENDED <= news.keys()
    assert news["headline"] == "Harbour wall approved"
    assert news["image"] == ["https://img.example.org/wall.jpg"]
    assert news["datePublished"] == article.published_at.isoformat()
    assert news["author"][0]["name"] == "Ada Reporter" and news["author"][0]["url"]
    assert news["publisher"]["@type"] == "NewsMediaOrganization"
    assert news["publisher"]["name"] and news["publisher"]["logo"]["url"]
    assert news["mainEntityOfPage"]["@id"] == "http://testserver" + article.get_absolute_url()
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "World", "Harbour wall approved"]


def test_home_page_website_json_ld_has_a_search_action(client, newsroom):
    response, _ = head(client, "/")
    website = json_ld(response)["WebSite"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert website["publisher"]["@type"] == "NewsMediaOrganization"
    # The template really searches.
    assert client.get(template.replace("{search_term_string}", "lighthouse")
                      .removeprefix("http://testserver")).status_code == 200


def test_head_adds_no_queries_except_for_translations(client, make_article):
    original = make_article(title="Original", language="en")
    german = make_article(title="Übersetzung", language="de", translation_of=original)
    client.get(original.get_absolute_url())
    counts = {}
    for article in (original, german):
        with CaptureQueriesContext(connection) as ctx:
            client.get(article.get_absolute_url())
        counts[article.language] = [q["sql"] for q in ctx.captured_queries]
    sibling_queries = [q for q in counts["de"] if re.search(r'"translation_of_id" = \d+', q)]
    assert len(sibling_queries) == 1
    assert len(counts["de"]) == len(counts["en"]) + 1
