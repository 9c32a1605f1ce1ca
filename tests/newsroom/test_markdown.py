from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.newsroom.markdown import render_markdown


def test_markdown_features_survive():
    html = render_markdown(
        "## Heading\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[link](https://example.org)\n\n![A harbour at dawn](/media/h.jpg \"The harbour\")"
    )
    for fragment in ["<h2>Heading</h2>", "<li>one</li>", "<blockquote>", "<table>",
                     'href="https://example.org"', 'alt="A harbour at dawn"',
                     "<figcaption>The harbour</figcaption>"]:
        assert fragment in html


def test_raw_html_is_cleaned():
    html = render_markdown('<img src=x onerror="alert(1)"><iframe src="https://evil"></iframe>'
                           '<a href="javascript:alert(1)">x</a><p style="color:red">y</p>')
    assert "onerror" not in html and "<iframe" not in html and "javascript:" not in html
    assert "color" not in html


def test_h1_in_a_body_becomes_h2():
    assert "<h1" not in render_markdown("# Title inside body")


def _elements(html):
    from lxml import html as lxml_html

    for fragment in lxml_html.fragments_fromstring(html) if html.strip() else []:
        if isinstance(fragment, str):
            continue
        yield from fragment.iter()


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["", "\n\n", "> ", "- ", "    "]))
def test_no_text_produces_script_or_handlers(text, prefix):
    html = render_markdown(prefix + text + "<script>x</script><b onclick=y>z</b>"
                           '<a href="javascript:alert(1)">j</a>')
    for element in _elements(html):
        assert element.tag not in ("script", "iframe", "style"), html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            assert not value.strip().lower().startswith("javascript:"), html


def test_static_pages_get_linkable_heading_ids_and_articles_do_not():
    text = "## Comments\n\nText.\n\n## Comments\n\n### <b>Cookies</b> & more"
    page_html = render_markdown(text, heading_ids=True)
    assert '<h2 id="comments">Comments</h2>' in page_html
    assert '<h2 id="comments-2">' in page_html
    assert 'id="cookies-more"' in page_html
    assert "id=" not in render_markdown(text)


def test_heading_ids_cannot_carry_markup():
    html = render_markdown('## "><script>x</script> Title', heading_ids=True)
    assert "<script" not in html and 'id="title"' in html
