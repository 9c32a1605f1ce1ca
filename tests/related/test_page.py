"""The article page: the See also line in the body and the block after it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from masthead import changes
from masthead.related.models import RelatedChoice

from .conftest import body_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(topical):
    return {t: [topical(t, i, featured_image_url=f"https://img.example/{t}{i}.jpg")
                for i in range(5)] for t in ("football", "economy", "space")}


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), lxml_html.fromstring(response.content)


def test_block_shows_title_image_section_and_date(client, archive):
    _, doc = page(client, archive["space"][0])
    aside = doc.xpath("//aside[@aria-labelledby='related-heading']")[0]
    assert aside.xpath(".//h2")[0].text_content() == "You may also like"
    items = aside.xpath(".//li")
    assert len(items) == 6
    first = items[0]
    assert first.xpath(".//h3/a")[0].text_content().startswith("Space story")
    assert first.xpath(".//img/@src")[0].startswith("https://img.example/space")
    assert first.xpath(".//*[@class='kicker']")[0].text_content() == "World"
    assert first.xpath(".//time/@datetime")


def test_see_also_line_sits_after_the_second_paragraph(client, archive):
    body, doc = page(client, archive["space"][0])
    story = doc.xpath("//div[contains(@class,'story__body')]")[0]
    blocks = [child for child in story if child.tag == "p"]
    assert blocks[2].get("class") == "see-also"  # paragraph 1, paragraph 2, then the line
    link = blocks[2].xpath(".//a")[0]
    block_links = doc.xpath("//aside[@aria-labelledby='related-heading']//h3/a/@href")
    assert link.get("href") not in block_links
    assert body.count('class="see-also"') == 1


def test_short_articles_get_no_see_also_line(client, topical, archive):
    short = topical("space", 9, body=body_for("space", 9, paragraphs=3))
    body, _ = page(client, short)
    assert 'class="see-also"' not in body
    assert "You may also like" in body


def test_switched_off_see_also(client, archive, on_commit):
    article = archive["space"][0]
    on_commit(RelatedChoice.objects.create, article=article, see_also=RelatedChoice.SeeAlso.OFF)
    body, _ = page(client, article)
    assert 'class="see-also"' not in body and "You may also like" in body


def test_page_queries_do_not_grow_with_related_articles(client, archive, make_article):
    with changes.discarded():  # saved, but not yet reached by the index: no lists at all
        lonely = make_article(title="Nothing like it", body="")
    page(client, archive["football"][0])  # the first page of a site warms its caches
    counts = []
    for article in (lonely, archive["space"][0], archive["economy"][1]):
        with CaptureQueriesContext(connection) as queries:
            page(client, article)
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    body, _ = page(client, lonely)
    assert "You may also like" not in body and 'class="see-also"' not in body


def test_same_bytes_for_every_reader(client, archive):
    article = archive["economy"][0]
    first, _ = page(client, article)
    client.cookies["sessionid"] = "someone-else"
    second, _ = page(client, article)
    strip = re.compile(r'csrfmiddlewaretoken"? value="[^"]*"')
    assert strip.sub("", first) == strip.sub("", second)
