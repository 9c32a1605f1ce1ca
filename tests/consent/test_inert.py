"""The snippet rewrite: nothing in a snippet can load or run before consent."""

import html
import re

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.consent import inert


def make(code, placement="head", key="analytics"):
    return inert.make_inert(code, snippet_id=7, category_key=key, category_name=key.title(),
                            placement=placement)


def markup_of(out: str) -> str:
    """The markup the page carries as template attributes, decoded as a browser decodes it."""
    return "".join(html.unescape(m) for m in re.findall(r'data-consent-markup="([^"]*)"', out))


def test_scripts_become_text_plain_tagged_with_their_category():
    out = make('<script async src="https://t.example/a.js"></script><script>go(1 < 2)</script>')
    assert re.findall(r"<script[^>]*>", out) == [
        ('<script type="text/plain" data-consent-category="analytics" async '
         'data-consent-src="https://t.example/a.js">'),
        '<script type="text/plain" data-consent-category="analytics">',
    ]
    assert "go(1 < 2)" in out
    assert ' src="' not in out


def test_a_module_script_keeps_its_type_for_later():
    out = make('<script type="module" src="https://t.example/m.js"></script>')
    assert 'type="text/plain"' in out and 'data-consent-type="module"' in out


def test_iframes_lose_their_src_and_sit_in_a_template_behind_a_placeholder():
    out = make('<iframe src="https://video.example.com/e/1" title="Film"></iframe>', "body",
               "marketing")
    assert "<iframe" not in out.split('<div class="consent-placeholder">')[0]
    assert markup_of(out) == ('<iframe data-consent-src="https://video.example.com/e/1" '
                              'title="Film"></iframe>')
    placeholder = out.split('<div class="consent-placeholder">')[1]
    assert "video.example.com" in placeholder and "Marketing" in placeholder
    assert 'data-consent-allow="marketing"' in placeholder
    assert 'href="/consent/settings/"' in placeholder
    assert "hidden" not in out.split(">")[0]  # a body embed shows its placeholder


def test_noscript_fallbacks_are_dropped():
    out = make('<script>x()</script><noscript><img src="https://px.example/p.gif">'
               "<noscript>nested</noscript></noscript><p>after</p>", "body")
    assert "px.example" not in out and "nested" not in out
    assert markup_of(out) == "<p>after</p>"


def test_head_snippets_are_hidden_containers():
    out = make('<link rel="stylesheet" href="https://cdn.example/w.css"><script>x()</script>')
    assert out.startswith('<div class="consent-snippet" data-consent-snippet="7" '
                          'data-consent-category="analytics" data-consent-placement="head" hidden>')


def test_a_closing_script_tag_inside_the_code_cannot_end_the_inert_script_early():
    out = make("<script>document.write('<!--<script src=x></' + 'script>')</script>")
    assert out.count("</script>") == 1
    assert "<!--" not in out


def test_unclosed_markup_is_closed_inside_the_snippet():
    out = make("<div><p>unclosed <b>bold", "body")
    assert markup_of(out) == "<div><p>unclosed <b>bold</b></p></div>"


def test_analysis_finds_hosts_and_visible_content():
    analysis = inert.analyse(
        '<script>var u = "https://collector.example.org/c";</script>'
        '<img src="//pixel.example.net/p.gif" srcset="https://img.example/a.png 2x">'
    )
    assert analysis.hosts == ["collector.example.org", "pixel.example.net", "img.example"]
    assert analysis.has_visible_content


@pytest.mark.parametrize("code", ["just some words", "", "   ", "G-12345678", "&amp;"])
def test_code_without_any_element_is_refused(code):
    with pytest.raises(inert.SnippetError, match="no HTML element"):
        inert.analyse(code)


LOADING_TAGS = {"iframe", "img", "embed", "video", "audio", "source", "object", "link"}


def live_elements(element, in_template=False):
    """Elements of the parsed output a browser would load or run (those outside a <template>)."""
    for child in element:
        if not isinstance(child.tag, str):
            continue  # a comment
        if not in_template:
            yield child
        yield from live_elements(child, in_template or child.tag == "template")


html_pieces = st.sampled_from([
    "<script>", "</script>", "<script src='https://x.example/a.js'>", "<iframe src=//y.example>",
    "</iframe>", "<noscript>", "</noscript>", "<img src=https://p.example/p.gif>", "<div>",
    "</div>", "<template>", "</template>", "<!-- c -->", "text", "&amp;", "<p>", "\"'<>",
    "<SCRIPT TYPE=module>", "<style>", "</style>", "<table>", "<td>", "</table>", "<svg>",
    "</svg>", "<textarea>", "</textarea>", "<title>", "<xmp>", "<plaintext>", "<select>",
    "<object data=https://o.example/x>", "<a href=https://a.example>", "</p>", "<br/>",
    "<iframe srcdoc='<script>x()</script>'>", "<link rel=stylesheet href=https://c.example>",
    "<math>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "</template></div><script>evil()</script>",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(html_pieces, max_size=25), st.sampled_from(["head", "body"]))
def test_whatever_the_code_nothing_is_live_outside_templates(pieces, placement):
    out = make("".join(pieces), placement)
    if not out:
        return  # code with no element at all is refused, and renders nothing
    # Parsed as a browser parses it (the WHATWG algorithm), not with regular expressions.
    fragment = html5lib.parseFragment(out, treebuilder="etree", namespaceHTMLElements=False)
    top = [child for child in fragment if isinstance(child.tag, str)]
    assert len(top) == 1 and top[0].get("class") == "consent-snippet"  # nothing escapes it
    assert not (fragment.text or "").strip() and not (top[0].tail or "").strip()
    for element in live_elements(top[0]):
        if element.tag == "script":
            assert element.get("type") == "text/plain"
        if element.tag == "template":
            assert len(element) == 0 and not (element.text or "").strip()
        assert element.tag not in LOADING_TAGS | {"noscript"}, element.tag
    # The markup held for after consent: its scripts stay inert until consent.js recreates them.
    held = html5lib.parseFragment(markup_of(out), container="template", treebuilder="etree",
                                  namespaceHTMLElements=False)
    for element in held.iter():
        if element.tag == "script":
            assert element.get("type") == "text/plain"
        if element.tag == "iframe":
            assert element.get("src") is None
        assert element.tag != "noscript"
