"""The streaming WXR reader: versions, namespaces, and clear errors for bad files."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.importers.wxr import WxrAuthor, WxrError, WxrItem, WxrSite, WxrTerm, read_wxr

from .conftest import PREVIEW, THEME_UNIT, category_xml, comment_xml, item_xml, wxr


@pytest.mark.parametrize("version,scheme", [("1.0", "http"), ("1.1", "http"), ("1.2", "http"),
                                            ("1.2", "https")])
def test_every_wxr_version_and_scheme_is_read(version, scheme, write_wxr):
    path = write_wxr(wxr(category_xml(3, "news", "News"),
                         item_xml(10, "Hello", comments=comment_xml(1)),
                         version=version, scheme=scheme))
    records = list(read_wxr(path))
    assert isinstance(records[0], WxrSite) and records[0].wxr_version == version
    assert [type(r) for r in records[1:]] == [WxrAuthor, WxrTerm, WxrItem]
    item = records[-1]
    assert (item.post_id, item.title, item.slug, item.status) == ("10", "Hello", "post-10",
                                                                  "publish")
    assert item.comments[0].author_email == "r@example.org"
    assert item.date_gmt.tzinfo is not None


def test_hand_made_export_without_ids_takes_them_from_the_links():
    items = [r for r in read_wxr(PREVIEW) if isinstance(r, WxrItem)]
    assert sorted(int(i.post_id) for i in items) == [1, 4, 6, 8, 14, 19, 36]


def test_reading_keeps_line_numbers():
    first_item = next(r for r in read_wxr(THEME_UNIT) if isinstance(r, WxrItem))
    with open(THEME_UNIT, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines[first_item.line - 1].strip().startswith("<item")


def test_malformed_xml_names_the_line(write_wxr):
    text = wxr(item_xml(1, "Fine"), item_xml(2, "Broken", content="x"))
    lines = text.splitlines()
    broken = next(n for n, line in enumerate(lines) if "<title>Broken" in line)
    lines[broken] = "    <title>Broken</titel>"
    path = write_wxr("\n".join(lines))
    with pytest.raises(WxrError) as caught:
        list(read_wxr(path))
    assert caught.value.line == broken + 1
    assert f"line {broken + 1}" in str(caught.value) and "malformed XML" in str(caught.value)


def test_truncated_file_says_so(write_wxr):
    data = THEME_UNIT.read_bytes()
    path = write_wxr("", name="cut.xml")
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WxrError) as caught:
        list(read_wxr(path))
    assert caught.value.line and caught.value.line > 100
    assert "truncated" in str(caught.value)


@pytest.mark.parametrize("text,message", [
    ("", "empty"),
    ('<?xml version="1.0"?><html><body/></html>', "not <rss>"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
     "no WXR namespace"),
])
def test_not_a_wordpress_export(text, message, write_wxr):
    with pytest.raises(WxrError, match=message):
        list(read_wxr(write_wxr(text)))


def test_entities_are_never_expanded_nor_fetched(write_wxr):
    evil = wxr(item_xml(1, "&xxe;")).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd">]>')
    item = next(r for r in read_wxr(write_wxr(evil)) if isinstance(r, WxrItem))
    assert "root:" not in item.title


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_either_read_or_fail_with_wxr_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.xml"
    path.write_bytes(data)
    try:
        list(read_wxr(path))
    except WxrError:
        pass


def test_an_undefined_entity_is_named_with_its_line(write_wxr):
    text = wxr(item_xml(1, "Fine", content="x")).replace(
        "<wp:post_password></wp:post_password>", "<wp:post_password>a&colon;b</wp:post_password>")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "&colon;" in row)
    with pytest.raises(WxrError) as caught:
        list(read_wxr(write_wxr(text)))
    assert caught.value.line == line and "colon" in str(caught.value)
