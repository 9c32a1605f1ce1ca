"""One URL allow-list (masthead/site/safe_urls.py), applied when an address is stored and again
when a page shows it: hostile payloads through every sink render inert."""

import re

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.site.safe_urls import LINK_SCHEMES, safe_url, validate_safe_url
from tests.site.xss_payloads import ALL_PAYLOADS, MARKDOWN_PAYLOADS, URL_PAYLOADS

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href",
                  "background", "srcdoc"}
# The page's own scripts: first-party files, JSON data, and consent's inert text/plain.
SCRIPT_TYPES_THAT_DO_NOT_RUN = {"application/ld+json", "application/json", "text/plain"}


def _browser_scheme(value: str) -> str:
    """The scheme a browser sees: outer spaces/control characters dropped, tabs and newlines
    ignored anywhere (written independently of safe_urls so the test can catch it out)."""
    value = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", value)
    return match.group(1).lower() if match else ""


def live_things(page_html: str) -> list[str]:
    """What in `page_html` could run script: handlers, live scripts, unsafe addresses."""
    found = []
    document = html5lib.parse(page_html, namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1]
        for name, value in element.attrib.items():
            name = name.split("}")[-1].lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and _browser_scheme(value) not in SAFE_SCHEMES | {""}:
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and "javascript:" in value.lower().replace(" ", ""):
                found.append(f"<{tag} style={value!r}>")
        if tag == "script":
            src = element.get("src", "")
            if element.get("type") in SCRIPT_TYPES_THAT_DO_NOT_RUN:
                continue
            same_origin_file = src.startswith("/") and not src.startswith("//")
            if not (same_origin_file and not (element.text or "").strip()):
                found.append(f"<script src={src!r}>{(element.text or '')[:40]}")
        if tag in {"iframe", "object", "embed", "frame", "base"}:
            found.append(f"<{tag}>")
    return found


# -- the function ------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", URL_PAYLOADS)
def test_every_hostile_address_is_refused(payload):
    assert safe_url(payload) == ""
    assert safe_url(payload, schemes=LINK_SCHEMES, relative=True) == ""


@pytest.mark.parametrize("url, kwargs, expected", [
    ("https://example.org/a?b=c#d", {}, "https://example.org/a?b=c#d"),
    ("  http://example.org/  ", {}, "http://example.org/"),
    ("HTTPS://EXAMPLE.ORG/", {}, "HTTPS://EXAMPLE.ORG/"),
    ("//cdn.example.org/x.js", {}, "//cdn.example.org/x.js"),
    ("/2024/01/02/story/", {}, ""),
    ("/2024/01/02/story/", {"relative": True}, "/2024/01/02/story/"),
    ("#comments", {"relative": True}, "#comments"),
    ("mailto:desk@example.org", {}, ""),
    ("mailto:desk@example.org", {"schemes": LINK_SCHEMES}, "mailto:desk@example.org"),
    ("tel:+441234", {"schemes": LINK_SCHEMES}, "tel:+441234"),
    ("ftp://example.org/", {}, ""),
    ("", {}, ""),
    (None, {}, ""),
])
def test_what_passes(url, kwargs, expected):
    assert safe_url(url, **kwargs) == expected


@given(st.text(max_size=60))
def test_anything_that_passes_is_http_or_https_to_a_browser(text):
    kept = safe_url(text)
    if kept:
        assert _browser_scheme(kept) in {"http", "https"} or kept.startswith("//")
        assert _browser_scheme(__import__("html").unescape(kept)) in {"http", "https", ""}


def test_the_validator_names_the_rule():
    from django.core.exceptions import ValidationError

    validate_safe_url("https://example.org/")
    with pytest.raises(ValidationError, match="Only http:// and https://"):
        validate_safe_url("javascript:alert(1)")


# -- every sink, stored and shown --------------------------------------------------------------
@pytest.fixture
def hostile_article(make_article):
    body = "\n\n".join(ALL_PAYLOADS)
    return make_article(title="Hostile body", body=body)


def test_markdown_bodies_render_inert(client, hostile_article):
    from masthead.newsroom.markdown import render_markdown

    for payload in ALL_PAYLOADS:
        assert live_things(render_markdown(payload)) == [], payload
    page = client.get(hostile_article.get_absolute_url())
    assert page.status_code == 200
    assert live_things(page.content.decode()) == []


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS[:5])
def test_markdown_link_stays_text_when_refused(payload):
    from masthead.newsroom.markdown import render_markdown

    assert "<a " not in render_markdown(payload)


def test_stored_source_and_image_addresses_render_inert(client, make_article):
    """Written past the form (a raw update, an old import): the page still shows no link."""
    from masthead.newsroom.models import Article

    for payload in URL_PAYLOADS:
        story = make_article(title=f"Source {payload[:20]}", source_name="Wire")
        Article.objects.filter(pk=story.pk).update(source_url=payload, featured_image_url=payload)
        html = client.get(story.get_absolute_url()).content.decode()
        assert live_things(html) == [], payload
        assert "Source of information" in html


@pytest.mark.parametrize("payload", URL_PAYLOADS)
def test_article_form_refuses_hostile_source_address(make_article, payload):
    from django.core.exceptions import ValidationError

    article = make_article(title="Checked")
    article.source_url = payload
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert "source_url" in caught.value.message_dict


def test_comment_form_fields_store_and_render_inert(client, post, article):
    from masthead.comments.models import Comment

    distinct = list(dict.fromkeys(p.strip() for p in ALL_PAYLOADS))  # the same post is a 409
    for n, payload in enumerate(distinct):
        for field in ("comment", "author"):
            response = post(**{"comment": f"Remark {n} on the ferry.", field: payload})
            assert response.status_code in (303, 400), (field, payload, response.status_code)
        response = post(url=payload, comment=f"Website test {payload}")
        assert response.status_code == 400, payload
        assert b"valid web address" in response.content or b"Only http" in response.content
    assert Comment.objects.exclude(author_url="").count() == 0
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(article.get_absolute_url())
    assert Comment.objects.count() > len(distinct)
    assert live_things(page.content.decode()) == []


def test_comment_addresses_stored_past_the_form_render_inert(client, article, admin_client):
    """bulk_create skips Comment.save(), as an import does: the page and the admin still show
    no live link."""
    from masthead.comments.models import Comment
    from masthead.comments.rendering import render_comment_html

    Comment.objects.bulk_create([
        Comment(article=article, author=f"Visitor {i}", author_url=payload, text=payload,
                text_format=Comment.Format.HTML, text_html=render_comment_html(payload,
                                                                              is_html=True),
                status=Comment.Status.APPROVED)
        for i, payload in enumerate(ALL_PAYLOADS)
    ])
    # Every page of the thread (a long one is shown a page at a time, the oldest first here).
    pages, number = [], 1
    while (response := client.get(article.get_absolute_url(), {"cpage": number})).status_code \
            == 200:
        pages.append(response.content.decode())
        number += 1
    assert len(pages) >= 1 and "Visitor 0" in pages[0]
    for html in pages:
        assert live_things(html) == []
    listing = admin_client.get("/admin/comments/comment/")
    assert listing.status_code == 200
    assert live_things(listing.content.decode()) == []
    for comment in Comment.objects.all()[:len(URL_PAYLOADS)]:
        change = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/")
        assert change.status_code == 200
        assert live_things(change.content.decode()) == [], comment.author_url


def test_comment_save_drops_a_hostile_address(article):
    from masthead.comments.models import Comment

    for payload in URL_PAYLOADS:
        comment = Comment.objects.create(article=article, author="X", author_url=payload,
                                         text="hello")
        assert comment.author_url == ""


@pytest.mark.parametrize("payload", URL_PAYLOADS)
def test_consent_snippet_with_hostile_source_is_refused(payload):
    from masthead.consent import inert

    for code in (f'<script src="{payload}"></script>', f'<iframe src="{payload}"></iframe>',
                 f'<img src="{payload}">'):
        with pytest.raises(inert.SnippetError, match="only http:// and https://"):
            inert.analyse(code)
