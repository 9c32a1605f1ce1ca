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
    words = [w for w in _WORD.findall(text)
             if len(w) > 1 and w not in STOP_WORDS and not w.isdigit()]
    grams: list[str] = []
    for run in _UNSPACED_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return words, grams
