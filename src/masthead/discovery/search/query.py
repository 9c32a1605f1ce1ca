"""Turn what a reader typed into a list of terms, never into syntax.

Readers type words, "quoted phrases", a trailing * for a prefix and a leading - to leave a word
out. Everything else (FTS5 or tsquery operators, brackets, column filters, SQL, stray quotes) is
just text: only runs of letters and digits survive, so no input can form an operator in either
engine's query language.

Chinese, Japanese and Korean are written without spaces between words, so no word tokenizer can
find "北京" inside "北京市政府". Both the index and the query therefore treat every CJK character
as a word of its own (see split_cjk), and a run of CJK characters in a query becomes a phrase of
single characters: an exact substring match whatever the word boundaries.
"""

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500  # a search box allows 200; anything longer is cut, not refused
MAX_TERMS = 16
MIN_PREFIX = 3

# Han (with extensions and compatibility ideographs), kana, Hangul syllables and jamo,
# CJK punctuation stays out: it is not a word character.
CJK_CHARS = (
    "\u1100-\u11ff\u3040-\u309f\u30a0-\u30ff\u3100-\u312f\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_CJK = re.compile(f"[{CJK_CHARS}]")
_TOKEN = re.compile(
    r'(?P<neg>(?<![\w"])-)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+?)(?P<star>\*)?(?=[\s"]|$))'
)
_WORD_CHARS = re.compile(r"[^\W_]+")


# A zero-width space separates tokens for a word tokenizer (it is neither letter nor digit), shows
# as nothing if it ever reaches a reader, and is removed exactly, unlike an ordinary space.
CJK_SEPARATOR = "\u200b"


def split_cjk(text: str) -> str:
    """Put a separator on each side of every CJK character: each becomes one token for a word
    tokenizer (FTS5's unicode61), while Latin, Cyrillic, ... words are left as they are."""
    return _CJK.sub(lambda m: f"{CJK_SEPARATOR}{m.group(0)}{CJK_SEPARATOR}", text)


def join_cjk(text: str) -> str:
    """Undo split_cjk for display (snippets)."""
    return text.replace(CJK_SEPARATOR, "")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word (maybe a prefix) or a phrase of words.

    `words` are plain runs of letters and digits; a CJK run is a phrase of single characters."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False

    @property
    def is_cjk(self) -> bool:
        return any(has_cjk(w) for w in self.words)

    @property
    def text(self) -> str:
        """The words as a reader would write them: spaced, but CJK characters side by side."""
        out = ""
        for word in self.words:
            if out and not (has_cjk(word) or has_cjk(out[-1])):
                out += " "
            out += word
        return out


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)

    @property
    def required(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def excluded(self) -> list[Term]:
        return [t for t in self.terms if t.negated]

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no results rather than every article (exclusions alone
        would match nearly everything)."""
        return not self.required

    def highlight_words(self) -> list[str]:
        return [w for t in self.required for w in (t.text,) if w]


def _words(text: str) -> list[str]:
    """Runs of letters and digits; each CJK character a run of its own."""
    return _WORD_CHARS.findall(split_cjk(text))


def _terms_from_chunk(text: str, *, phrase: bool, prefix: bool, negated: bool) -> list[Term]:
    words = _words(text)
    if not words:
        return []
    if phrase:
        return [Term(tuple(w.lower() for w in words), negated=negated)]
    # An unquoted chunk such as "e-mail" or "北京市" may hold several runs: keep them together as
    # a phrase so "e-mail" means the two words side by side, and a CJK run its characters in order.
    cjk_run = all(has_cjk(w) for w in words)
    if len(words) > 1 and not cjk_run:
        return [Term(tuple(w.lower() for w in words), negated=negated)]
    if cjk_run:
        return [Term(tuple(words), negated=negated)]
    # A prefix of one or two letters would match a good part of the dictionary: a word it is.
    return [Term((words[0].lower(),), prefix=prefix and len(words[0]) >= MIN_PREFIX,
                 negated=negated)]


def parse_query(text: str | None) -> ParsedQuery:
    """Parse a reader's query; never raises, whatever the text."""
    text = (text or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        # An unbalanced quote quotes nothing: drop the last one.
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1 :]
    terms: list[Term] = []
    seen = set()
    for match in _TOKEN.finditer(text):
        phrase, word = match.group("phrase"), match.group("word")
        chunk = phrase if phrase is not None else (word or "")
        for term in _terms_from_chunk(
            chunk, phrase=phrase is not None, prefix=bool(match.group("star")),
            negated=bool(match.group("neg")),
        ):
            if term not in seen:
                seen.add(term)
                terms.append(term)
    return ParsedQuery(terms[:MAX_TERMS])
