"""Turning an article into terms: words, word bigrams and character bigrams.

Words are lower-cased Unicode word runs; English stop words are dropped (other languages' common
words get a low IDF anyway). Adjacent kept words also form a bigram ("interest rates"), which
separates topics better than single words. Scripts written without spaces (Chinese, Japanese,
Thai, ...) have no word boundaries to find, so their runs become overlapping character bigrams
(plus single characters for one-character runs): a dictionary-free method that works well for
retrieval in those languages.
"""

import re
from html import unescape

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Scripts written without spaces between words.
_NO_SPACE_SCRIPTS = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # Hangul syllables (spaced, but bigrams help with compounds)
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
)
_WORD = re.compile(rf"[^\W_{_NO_SPACE_SCRIPTS}]+")
_UNSPACED_RUN = re.compile(rf"[{_NO_SPACE_SCRIPTS}]+")
_TAG = re.compile(r"<[^>]*>")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)]*\)")

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "mr", "mrs", "ms"}
MAX_CHARS = 200_000  # a 1 MB body says nothing more about its topic than its first 200 kB


def document_text(title="", dek="", body="", tags=(), section="") -> str:
    """The text relatedness is judged on: title, dek, body, tags and section, as one string.

    The title and tags are repeated once: they are the editor's own summary of the topic."""
    body = _MARKDOWN_LINK_TARGET.sub("]", body or "")
    body = unescape(_TAG.sub(" ", body))
    tag_text = " ".join(t for t in tags if t)
    parts = [title, title, dek, tag_text, tag_text, section, body]
    return "\n".join(p for p in parts if p)[:MAX_CHARS]


def tokens(text: str) -> tuple[list[str], list[str]]:
    """The words of `text` (lower-cased, stop words and numbers dropped, in order) and the
    character grams of its unspaced runs. Consecutive words also pair into bigrams later (as
    scikit-learn pairs them: across dropped stop words)."""
    text = text.lower()
    words = [w for w in _WORD.findall(text) if counted(w)]
    return words, unspaced_grams(text)


def counted(word: str) -> bool:
    """Whether a word says anything about the topic: not a stop word, a number or one letter."""
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit()


def unspaced_grams(lowered: str) -> list[str]:
    grams: list[str] = []
    for run in _UNSPACED_RUN.findall(lowered):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return grams


# The quick path for text that is plain ASCII once typographic punctuation is blanked out (most
# English news): bytes.translate finds the same words as the regular expression, many times
# faster. Each mark below is punctuation, never part of a word, so blanking it changes no word.
# Curly quotes and apostrophes, dashes, the ellipsis, no-break space, guillemets.
_TYPOGRAPHY = [mark.encode() for mark in
               "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00ab\u00bb"]
_ASCII_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_SEPARATORS = bytes(c if c in _ASCII_WORD_BYTES else 32 for c in range(256))


def ascii_words_buffer(text: str) -> bytes | None:
    """`text` lower-cased with every byte that is not a letter or digit made a space (its words
    are then the space-separated runs, stop words still in), or None when the text has
    characters beyond ASCII and needs `unicode_terms`."""
    raw = text.encode("utf-8", "surrogatepass")
    if not raw.isascii():
        for mark in _TYPOGRAPHY:
            raw = raw.replace(mark, b" ")
        if not raw.isascii():
            return None
    return raw.lower().translate(_ASCII_SEPARATORS)


def unicode_terms(text: str) -> tuple[list[str], list[str]]:
    """The word runs (not yet filtered by `counted`) and character grams of any text."""
    lowered = text.lower()
    return _WORD.findall(lowered), unspaced_grams(lowered)
