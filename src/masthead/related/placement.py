"""Where the See also line goes in an article body: plain Python over the sanitised HTML.

The line goes after the Nth top-level paragraph, so never inside a list, quote or table (their
paragraphs are nested), and only in bodies with enough top-level paragraphs. The scan stops as
soon as it knows, so a 1 MB body costs no more than a short one.
"""

import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
         "wbr"}


def see_also_offset(html: str, after: int, min_paragraphs: int) -> int | None:
    """The index in `html` just after its `after`-th top-level paragraph, or None when the body
    has fewer than `min_paragraphs` top-level paragraphs (or `after` is 0: the line is off)."""
    if after <= 0:
        return None
    needed = max(after, min_paragraphs)
    depth = 0
    paragraphs = 0
    offset = None
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if not closing:
            depth += 1
            continue
        depth = max(0, depth - 1)
        if name == "p" and depth == 0:
            paragraphs += 1
            if paragraphs == after:
                offset = match.end()
            if paragraphs >= needed:
                return offset
    return None


def insert_at(html: str, offset: int | None, fragment: str) -> str:
    if offset is None or not fragment:
        return html
    return html[:offset] + fragment + html[offset:]
