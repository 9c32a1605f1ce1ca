"""Where the See also line goes in the body HTML."""

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.newsroom.markdown import render_markdown
from masthead.related.placement import insert_at, see_also_offset

LINE = '<p class="see-also">SEE</p>'


def _place(markdown, after=2, min_paragraphs=4):
    html = render_markdown(markdown)
    return insert_at(html, see_also_offset(html, after, min_paragraphs), LINE)


def test_after_the_second_paragraph():
    out = _place("One.\n\nTwo.\n\nThree.\n\nFour.")
    assert out.index("Two.") < out.index("SEE") < out.index("Three.")


def test_never_inside_a_list_quote_or_table():
    markdown = ("One.\n\n- item one\n\n  item para\n- item two\n\n> quoted\n>\n> quoted two\n\n"
                "| a | b |\n|---|---|\n| c | d |\n\nTwo.\n\nThree.\n\nFour.")
    out = _place(markdown)
    before = out[: out.index("SEE")]
    for opening, closing in (("<ul", "</ul>"), ("<blockquote", "</blockquote>"),
                             ("<table", "</table>")):
        assert before.count(opening) == before.count(closing)
    assert out.index("Two.") < out.index("SEE") < out.index("Three.")


def test_short_bodies_and_switched_off_get_none():
    assert see_also_offset(render_markdown("One.\n\nTwo.\n\nThree."), 2, 4) is None
    assert see_also_offset(render_markdown("One.\n\nTwo.\n\nThree.\n\nFour."), 0, 4) is None
    assert see_also_offset("", 2, 4) is None


def test_a_megabyte_body_is_scanned_only_as_far_as_needed():
    html = "<p>para</p>" * 4 + "<p>" + "x" * 1_000_000 + "</p>"
    assert see_also_offset(html, 2, 4) == len("<p>para</p>") * 2


@given(st.text(alphabet=st.sampled_from("ab-*>|# \n`"), max_size=200))
@settings(max_examples=200, deadline=None)
def test_the_line_lands_at_top_level_whatever_the_markdown(markdown):
    html = render_markdown(markdown)
    offset = see_also_offset(html, 2, 2)
    if offset is not None:
        before = html[:offset]
        for tag in ("ul", "ol", "blockquote", "table", "pre"):
            assert before.count(f"<{tag}") == before.count(f"</{tag}>")
