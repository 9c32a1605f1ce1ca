"""Normalisation: disguises undone and recorded, real languages left alone, any input survives."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.antispam.normalise import MAX_CHARS, normalise


@pytest.mark.parametrize("raw, text", [
    ("𝐌𝐄𝐆𝐀𝐁𝐄𝐓𝟗𝟗 gacor", "megabet99 gacor"),  # mathematical bold letters and digits
    ("AЕR𝐎𝟴𝟴 daftar", "aero88 daftar"),  # a Cyrillic Е among Latin letters
    ("ＦＲＥＥ ｍｏｎｅｙ", "free money"),  # full-width forms
    ("s\u200bl\u200bo\u200bt gacor", "slot gacor"),  # zero-width spaces inside a word
    ("b o n u s  d e p o s i t", "bonus deposit"),  # spaced-out letters
    ("freeeeee moneyyyy", "free moneyy"),  # stretched letters: at most two in a row
])
def test_disguises_are_undone(raw, text):
    assert " ".join(normalise(raw).text.split()) == text


@pytest.mark.parametrize("raw", ["𝐌𝐄𝐆𝐀𝐁𝐄𝐓𝟗𝟗", "AЕRO88", "s\u200bl\u200bo\u200bt",
                                 "z\u0336\u0321\u031bz\u0334\u0321\u0322a\u0338\u0321\u0322"])
def test_a_disguise_is_recorded(raw):
    normalised = normalise(raw)
    assert normalised.disguises and "mark:disguised" in normalised.markers


@pytest.mark.parametrize("raw", [
    "Спасибо за статью о паромах, очень полезно.",  # Russian: Cyrillic throughout
    "Точно на 10кв, а не на 10А? Lucidchart-а хватит.",  # digits and hyphenated endings
    "Chất lượng sản phẩm tuyệt vời, giao hàng nhanh.\r\nCảm ơn shop",  # Vietnamese marks, CRLF
    "Καλημέρα, ωραίο άρθρο για το λιμάνι.",  # Greek
    "这篇关于港口的报道写得很好，谢谢记者。",
    "A café in Zürich, naïve façade — ™ and ² are fine.",
])
def test_real_writing_is_not_a_disguise(raw):
    normalised = normalise(raw)
    assert normalised.disguises == []
    assert normalise("Спасибо").text == "спасибо"


@pytest.mark.parametrize("raw, marker", [
    ("visit https://win.example/x now", "mark:link"),
    ("see example . com", "mark:link"),
    ("mail me at someone@example.org", "mark:email"),
    ("call +62 812-3456-7890 today", "mark:phone"),
    ("chat on t.me/somebody", "mark:handle"),
    ("add me on WhatsApp", "mark:handle"),
    ("thanks @anna_b", "mark:mention"),
    ("加我微信", "mark:handle"),
    ("win $5,000 today", "mark:money"),
    ("bonus Rp 100.000", "mark:money"),
    ("join megabet99", "mark:brand-number"),
])
def test_language_independent_markers(raw, marker):
    assert marker in normalise(raw).markers


def test_links_keep_their_domain():
    markers = normalise("go to http://www.Shop.Example.xyz/a?b").markers
    assert "mark:domain:shop.example.xyz" in markers and "mark:tld:xyz" in markers


def test_long_text_is_cut():
    assert len(normalise("word " * 5000).text) <= MAX_CHARS + 10


@pytest.mark.parametrize("raw", [
    "", " ", "\x00\x01\x02\x1b[31m", "😀😀😀🎉🎉", "АЕОРСХ" * 20, "𝐀𝐁𝐂" * 3000,
    "\u202e\u200f\u2066" * 50, "a" * 10_000, "\ud800 lone surrogate",
])
def test_bad_input_gives_text(raw):
    assert isinstance(normalise(raw).text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_normalises(raw):
    normalised = normalise(raw)
    assert isinstance(normalised.text, str) and isinstance(normalised.markers, list)
