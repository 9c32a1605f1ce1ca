"""WordPress content to a Masthead body: shortcodes, blocks, wpautop, sanitising, and the promise
that Markdown leaves the result as it is."""

import re

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.importers.bodies import body_from_wordpress as wordpress_to_body
from masthead.importers.bodies import newsroom_clean as sanitise
from masthead.importers.content import Media, parse_shortcode_attributes, plain_text, wpautop
from masthead.newsroom.markdown import render_markdown


def text_of(html: str) -> str:
    if not html.strip():
        return ""
    return re.sub(r"\s+", " ", lxml.html.fromstring(f"<div>{html}</div>").text_content()).strip()


def convert(content, **kw):
    warnings = []
    body = wordpress_to_body(content, warn=warnings.append, **kw)
    return body, render_markdown(body), warnings


def test_classic_paragraphs_and_line_breaks():
    body, html, _ = convert("First line\nsecond line\n\nNew paragraph with *stars* and _under_")
    assert html.count("<p>") == 2
    assert "<br" in html
    # Markdown does not get a say: WordPress text is not Markdown.
    assert "*stars*" in html and "<em>" not in html


def test_pre_keeps_its_blank_lines_and_markdown_keeps_out():
    body, html, _ = convert("<pre>line 1\n\n    indented\n</pre>\n\nafter")
    assert "\n\n" not in body
    assert "line 1\n\n    indented" in html
    assert "<p>after</p>" in html


def test_caption_shortcode_becomes_figure():
    content = ('[caption id="attachment_1" align="alignright" width="300"]<a href="https://x.org/'
               'a.jpg"><img src="https://x.org/a.jpg" alt="A boat" /></a> The <em>boat</em>'
               "[/caption]")
    _, html, warnings = convert(content)
    assert re.search(r"<figure><a [^>]*><img [^>]*alt=\"A boat\"[^>]*></a>\s*<figcaption>The "
                     r"<em>boat</em></figcaption>\s*</figure>", html)
    assert not warnings


def test_caption_attribute_form():
    _, html, _ = convert('[caption caption="Old style"]<img src="https://x.org/a.jpg" />[/caption]')
    assert "<figcaption>Old style</figcaption>" in html


def test_gallery_uses_the_attachments_by_id_and_by_parent():
    media = {"5": Media("https://x.org/5.jpg", "five", "Caption 5"),
             "6": Media("https://x.org/6.jpg", "six")}
    _, html, warnings = convert('[gallery ids="5,6,9"]', attachment=media.get)
    assert html.count("<figure>") == 2 and "Caption 5" in html
    assert any("9" in w for w in warnings)
    _, html, _ = convert("[gallery]", post_id="3", children=lambda pid: [media["6"]])
    assert 'src="https://x.org/6.jpg"' in html


def test_embeds_become_links_never_iframes():
    content = ("[embed]https://www.youtube.com/watch?v=abc[/embed]\n\n"
               "https://vimeo.com/123\n\n"
               '<iframe src="https://maps.example.org/embed?x=1"></iframe>\n\n'
               '[video src="https://x.org/v.mp4"][/video] [audio https://x.org/a.mp3]')
    _, html, _ = convert(content)
    for url in ("https://www.youtube.com/watch?v=abc", "https://vimeo.com/123",
                "https://maps.example.org/embed?x=1", "https://x.org/v.mp4", "https://x.org/a.mp3"):
        assert f'href="{url}"' in html
    assert "<iframe" not in html and "<video" not in html


def test_unknown_shortcodes_are_dropped_with_a_warning_but_brackets_are_not():
    _, html, warnings = convert('[contact-form-7 id="12"] [sic] [note]Kept text[/note] [[gallery]]')
    assert "contact-form-7" not in html and "[sic]" in html and "Kept text" in html
    assert "[note]" not in html and "[gallery]" in html  # [[x]] is WordPress's literal [x]
    assert len(warnings) == 1 and "[contact-form-7]" in warnings[0] and "[note]" in warnings[0]


def test_code_shortcode_is_escaped_code():
    _, html, _ = convert('[code lang="php"]<?php echo "<b>"; ?>[/code]')
    assert "<pre><code>&lt;?php echo \"&lt;b&gt;\"; ?&gt;</code></pre>" in html


def test_blocks_are_unwrapped_and_dynamic_ones_reported():
    content = ('<!-- wp:paragraph -->\n<p>Hello <strong>there</strong></p>\n<!-- /wp:paragraph -->'
               '\n\n<!-- wp:latest-posts {"postsToShow":3} /-->\n\n<!-- wp:table -->\n'
               '<figure class="wp-block-table"><table><tbody><tr><td>1</td><td>2</td></tr>'
               '</tbody></table>'
               '<figcaption>Numbers</figcaption></figure>\n<!-- /wp:table -->')
    body, html, warnings = convert(content)
    assert "wp:" not in body and "class=" not in body
    assert "<p>Hello <strong>there</strong></p>" in html
    assert "<figure><table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>" in html
    assert "<figcaption>Numbers</figcaption>" in html
    assert len(warnings) == 1 and "wp:latest-posts" in warnings[0]


def test_dangerous_markup_is_removed_and_reported():
    content = ('<p onclick="steal()">Hi <a href="javascript:alert(1)">link</a></p>'
               "<script>alert(1)</script><form><input></form>")
    body, html, warnings = convert(content)
    for bad in ("onclick", "javascript:", "<script", "alert(1)", "<form", "<input"):
        assert bad not in body and bad not in html
    assert warnings and "<script>" in warnings[0]


def test_shortcode_attributes_like_wordpress():
    assert parse_shortcode_attributes(' id="1" align=\'left\' width=300 "pos" bare') == {
        "id": "1", "align": "left", "width": "300", 0: "pos", 1: "bare"}


def test_plain_text_for_titles():
    assert plain_text("Markup: Title <em>With</em> &amp; Markup") == "Markup: Title With & Markup"
    assert plain_text("a " * 200, limit=20).endswith("…")


def test_wpautop_leaves_blocks_alone():
    html = wpautop("<ul>\n<li>one</li>\n</ul>\n\ntext")
    assert "<p><ul>" not in html and "<p>text</p>" in html


html_fragment = st.lists(st.sampled_from([
    "word", " ", "\n", "\n\n", "<p>", "</p>", "<em>", "</em>", "<table><tr><td>c</td></tr></table>",
    "<pre>a\n\n  b</pre>", "*", "_", "#", "    ", "1. ", "> ", "[caption]x[/caption]", "[gallery]",
    "<!-- wp:paragraph -->", "<!-- /wp:paragraph -->", "&amp;", "<", ">", "https://x.org/a",
    "<img src=\"https://x.org/i.png\">", "<script>x</script>", "`", "[x](y)", "<h1>T</h1>",
]), max_size=25).map("".join)


@settings(max_examples=150, deadline=None)
@given(html_fragment)
def test_markdown_passes_any_converted_body_through_unchanged(content):
    body = wordpress_to_body(content)
    assert "\n\n" not in body
    # What the reader sees is what the importer made: Markdown changed nothing on the way.
    expected = sanitise(body).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    assert text_of(render_markdown(body)) == text_of(expected)
