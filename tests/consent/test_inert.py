"""The snippet rewrite: nothing in a snippet can load or run before consent."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.consent import inert


def make(code, placement="head", key="analytics"):
    return inert.make_inert(code, snippet_id=7, category_key=key, category_name=key.title(),
                            placement=placement)


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
    assert " src=" not in out.split('<div class="consent-placeholder">')[0]
    assert 'data-consent-src="https://video.example.com/e/1"' in out
    assert out.index("<template") < out.index("<iframe") < out.index("</template>")
    placeholder = out.split('<div class="consent-placeholder">')[1]
    assert "video.example.com" in placeholder and "Marketing" in placeholder
    assert 'data-consent-allow="marketing"' in placeholder
    assert 'href="/consent/settings/"' in placeholder
    assert "hidden" not in out.split(">")[0]  # a body embed shows its placeholder


def test_noscript_fallbacks_are_dropped():
    out = make('<script>x()</script><noscript><img src="https://px.example/p.gif">'
               "<noscript>nested</noscript></noscript><p>after</p>", "body")
    assert "px.example" not in out and "nested" not in out
    assert "<p>after</p>" in out


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
    body = out.split('<div class="consent-placeholder">')[0]
    assert body.endswith("</b></p></div></template>")


def test_analysis_finds_hosts_and_visible_content():
    analysis = inert.analyse(
        '<script>var u = "https://collector.example.org/c";</script>'
        '<img src="//pixel.example.net/p.gif" srcset="https://img.example/a.png 2x">'
    )
    assert analysis.hosts == ["collector.example.org", "pixel.example.net", "img.example"]
    assert analysis.has_visible_content


def test_code_without_any_element_is_refused():
    try:
        inert.analyse("just some words")
    except inert.SnippetError:
        pass
    else:  # text alone is visible content, so it is accepted as a (strange) body snippet
        assert inert.analyse("just some words").visible_tags == ["text"]
    try:
        inert.analyse("")
    except inert.SnippetError as exc:
        assert "no HTML element" in str(exc)
    else:
        raise AssertionError("empty code was accepted")


LIVE_SCRIPT = re.compile(r"<script(?![^>]*type=\"text/plain\")[^>]*>", re.IGNORECASE)
LIVE_SRC = re.compile(r"<(?:iframe|img|embed|video|audio|source)\b[^>]*\ssrc=", re.IGNORECASE)

html_pieces = st.sampled_from([
    "<script>", "</script>", "<script src='https://x.example/a.js'>", "<iframe src=//y.example>",
    "</iframe>", "<noscript>", "</noscript>", "<img src=https://p.example/p.gif>", "<div>",
    "</div>", "<template>", "</template>", "<!-- c -->", "text", "&amp;", "<p>", "\"'<>",
    "<SCRIPT TYPE=module>", "<style>", "</style>",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(html_pieces, max_size=25), st.sampled_from(["head", "body"]))
def test_whatever_the_code_nothing_is_live_outside_templates(pieces, placement):
    out = make("".join(pieces), placement)
    # What is inside a script or a style is text, not markup: leave it out of the checks.
    out = re.sub(r"<style>.*?</style>", "<style></style>", out, flags=re.DOTALL)
    assert out.count("</script>") == out.count('<script type="text/plain"')
    out = re.sub(r'(<script type="text/plain"[^>]*>).*?</script>', r"\1</script>", out,
                 flags=re.DOTALL)
    innermost = re.compile(r"<template\b[^>]*>(?:(?!<template\b).)*?</template>", re.DOTALL)
    outside = out
    while innermost.search(outside):  # a snippet may hold templates of its own
        outside = innermost.sub("", outside)
    placeholder_free = outside.split('<div class="consent-placeholder">')[0]
    assert not LIVE_SCRIPT.search(out)
    assert not LIVE_SRC.search(placeholder_free)
    assert out.count("<template") == out.count("</template>")
