"""Text as the spam model sees it, and the language-independent evidence found on the way.

Plain Python (the standard library and confusable-homoglyphs' table; no scikit-learn, no Django).
Spammers disguise words so that filters trained on plain text miss them: mathematical letters
(`𝐌𝐄𝐆𝐀𝐁𝐄𝐓𝟗𝟗`), look-alike letters from another script (`AЕRO88` with a Cyrillic Е), zero-width
characters and stacked combining marks between letters, and spaced-out or stretched words
(`f r e e`, `freeeee`). `normalise` undoes each of these and records that it had to: a disguise is
itself evidence. Links, e-mail addresses, phone numbers, messenger handles and money amounts
become marker tokens, which mean the same in every language.
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

MAX_CHARS = 3000  # a comment longer than this is judged on its first 3,000 characters

# Links as spammers write them, including "example . com" spelled out to dodge filters (only for
# endings no sentence has: "now. Be careful" is not a link).
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[\w-]+\.(?:com|net|org|info|ly|be|co|tv|me|ru|cn|us|uk|de|io|xyz|top|site|online|"
    r"club|vip|link|id|in|biz|shop|live|pro|app|gg)\b(?:/\S*)?"
    r"|\b[\w-]+(?:\s{1,3}\.\s{0,3}|\.\s{1,3})(?:com|net|org|info|ru|cn|xyz|top|vip)\b(?:/\S*)?",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# A phone number: seven or more digits, optionally grouped by spaces, dots, dashes or brackets.
PHONE_RE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{6,}\d(?![\w])")
# Invitations to take the conversation to a messenger, where moderators cannot see it.
HANDLE_RE = re.compile(
    r"\b(?:t\.me|wa\.me|telegram|whatsapp|wechat|viber|line\s?id|kik)\b|微信|威信|加我|薇信|扣扣",
    re.IGNORECASE,
)
# @name: readers mention each other too, so a feature for the model but not evidence by itself.
MENTION_RE = re.compile(r"(?<![\w@])@[a-z][\w.]{2,}", re.IGNORECASE)
MONEY_RE = re.compile(
    r"[$€£¥₹₽₩₫฿]\s?\d[\d.,]*|\d[\d.,]*\s?(?:usd|eur|gbp|idr|inr|rub|vnd|jt|juta|ribu|"
    r"dollars?|euros?|pounds?|bitcoin|btc|usdt|元|块)(?![a-z])"
    r"|\b(?:rp|idr|rs|inr)\.?\s?\d[\d.,]*",
    re.IGNORECASE,
)
# A brand with a number welded on: aero88, megabet99, slot777, hoki4d.
BRAND_RE = re.compile(r"\b[a-z]{3,}(?:\d{2,4}|\d[a-z])\b")
TAG_RE = re.compile(r"<[^>]{0,500}>")
HREF_RE = re.compile(r"""<a\s[^>]{0,500}?href\s*=\s*["']?([^"'\s>]{1,500})""", re.IGNORECASE)
# Single letters separated by single spaces, five or more in a row: "f r e e  m o n e y". Also
# how people shout ("P E A C E"), so not a disguise by itself.
SPACED_RE = re.compile(r"(?<!\S)(?:\w ){4,}\w(?!\S)")
REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
INVISIBLE = {"Cf", "Cc", "Co", "Cs", "Cn"}
COMBINING = {"Mn", "Me"}


@dataclass
class Normalised:
    text: str  # what the word and character features are made from
    markers: list[str] = field(default_factory=list)  # language-independent feature tokens
    disguises: list[str] = field(default_factory=list)  # what had to be undone, in words


@lru_cache(maxsize=1)
def _look_alikes() -> dict[str, str]:
    """{character: the ASCII letter or digit it imitates}, from the Unicode confusables table
    that confusable-homoglyphs ships (the same table browsers use against look-alike domains)."""
    path = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    folds: dict[str, str] = {}
    for char, glyphs in table.items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_glyphs = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()
                        and g["c"].isalnum()]
        if ascii_glyphs:
            folds[char] = ascii_glyphs[0]
    # Small capitals and modifier letters (ᴘʟᴜᴛᴏ, ᵂᴵᴺ) imitate Latin letters too; their names
    # say which.
    for code in range(0x1D00, 0x1DBF + 1):
        name = unicodedata.name(chr(code), "")
        letter = name.rsplit(" ", 1)[-1]
        if ("SMALL CAPITAL" in name or "MODIFIER LETTER" in name) and len(letter) == 1 \
                and "LATIN" in name and letter.isalpha():
            folds.setdefault(chr(code), letter.lower())
    for char in "ʀʏʜʟɢɪɴʙ":
        folds.setdefault(char, unicodedata.name(char).rsplit(" ", 1)[-1].lower())
    return folds


LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
# Latin small capitals and modifier letters: a word written only in them is still a disguise.
SMALL_LETTERS = frozenset(
    chr(c) for c in [*range(0x1D00, 0x1DC0), *map(ord, "ʀʏʜʟɢɪɴʙ")]
    if "LATIN" in unicodedata.name(chr(c), "") and chr(c).isalpha())


def _fold_mixed_words(text: str) -> tuple[str, bool]:
    """Fold look-alike letters in runs of letters that mix them with plain Latin letters.

    A run wholly in Cyrillic or Greek is left alone (it is Russian or Greek, not a disguise), and
    so is a Cyrillic ending after a hyphen (`Lucidchart-а`); `AЕRO` (Latin A, R, O with a
    Cyrillic Е) becomes `AERO`."""
    folds = _look_alikes()
    changed = False

    def fold(match: re.Match) -> str:
        nonlocal changed
        run = match.group(0)
        if run.isascii():
            return run
        if sum(ch.isascii() for ch in run) < 2 and not all(ch in SMALL_LETTERS for ch in run):
            return run
        folded = "".join(folds.get(ch, ch) if not ch.isascii() else ch for ch in run)
        changed = changed or folded != run
        return folded

    return LETTER_RUN_RE.sub(fold, text), changed


def _strip_marks(text: str) -> tuple[str, bool]:
    """Drop invisible format characters, and combining marks stacked beyond two on a letter
    (zalgo text). One or two marks are ordinary spelling: é, ñ, Vietnamese ệ, Thai vowels."""
    out = []
    invisible = stacked = marks = 0
    for ch in unicodedata.normalize("NFD", text):
        category = unicodedata.category(ch)
        if category in INVISIBLE and ch not in "\n\r\t":
            invisible += 1
            continue
        if category in COMBINING:
            marks += 1
            if marks > 2:
                stacked += marks == 3
                continue
        else:
            marks = 0
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), stacked >= 2 or invisible >= 2


def _markers(text: str) -> list[str]:
    markers: list[str] = []
    for match in URL_RE.finditer(text):
        domain = link_domain(match.group(0))
        tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
        markers += ["mark:link", f"mark:domain:{domain}", f"mark:tld:{tld}"]
    if EMAIL_RE.search(text):
        markers.append("mark:email")
    if PHONE_RE.search(URL_RE.sub(" ", text)):
        markers.append("mark:phone")
    if HANDLE_RE.search(text):
        markers.append("mark:handle")
    if MENTION_RE.search(text):
        markers.append("mark:mention")
    if MONEY_RE.search(text):
        markers.append("mark:money")
    if BRAND_RE.search(text):
        markers.append("mark:brand-number")
    return markers


@lru_cache(maxsize=4096)
def _is_styled(ch: str) -> bool:
    folded = unicodedata.normalize("NFKC", ch)
    return len(folded) == 1 and folded.isascii() and folded.isalnum()


def link_domain(url: str) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).replace(" ", "")
    return url.split("/", 1)[0].split("?", 1)[0]


def normalise(raw: str) -> Normalised:
    """The text with its disguises undone, lower-cased, links replaced by a marker and their
    domain; plus the marker tokens and the list of disguises found."""
    text = (raw or "")[: MAX_CHARS * 2]
    # A link's address matters, its markup does not: keep href targets, drop the tags.
    text = html.unescape(TAG_RE.sub(" ", HREF_RE.sub(r" \1 <", text)))[:MAX_CHARS]
    disguises: list[str] = []
    nfkc = unicodedata.normalize("NFKC", text)
    # Mathematical and enclosed letters are disguise when they spell words; one ™ or ² is not.
    styled = sum(1 for ch in text if ord(ch) > 0x2000 and _is_styled(ch))
    if styled >= 3:
        disguises.append("styled letters (𝐛𝐨𝐥𝐝, 𝓼𝓬𝓻𝓲𝓹𝓽, ⓒⓘⓡⓒⓛⓔⓓ)")
    text, marked = _strip_marks(nfkc)
    if marked:
        disguises.append("invisible characters or stacked marks between letters")
    # Spaced-out letters before spaces are collapsed: two spaces separate the spaced words.
    text = SPACED_RE.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = re.sub(r"[ \t\u00a0\u3000]+", " ", text)
    text, folded = _fold_mixed_words(text)
    if folded:
        disguises.append("look-alike letters (another script, small capitals)")
    text = text.lower()
    markers = _markers(text)
    text = URL_RE.sub(lambda m: f" httplink {link_domain(m.group(0))} ", text)
    text = REPEAT_RE.sub(r"\1\1", text)
    if disguises:
        markers.append("mark:disguised")
    return Normalised(text, markers, disguises)
