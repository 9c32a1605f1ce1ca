"""The import's first pass: read the whole file once, checking it, before anything is written.

A malformed or truncated export fails here, naming the line; the pass also counts the records
for the progress bar and notes the attachments (galleries and featured images refer to them by
id). Imports no Django."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from masthead.site.safe_urls import safe_url

from .content import Media, plain_text
from .wxr import overview


@dataclass
class Scan:
    """What the first pass learned about the file."""

    records: int = 0
    items: int = 0
    comments: int = 0
    attachments: dict = field(default_factory=dict)  # wp id -> Media
    children: dict = field(default_factory=lambda: defaultdict(list))  # post id -> [wp id]
    utc_offset: timedelta | None = None


def scan(path) -> Scan:
    """Read the whole file once, checking it; raises WxrError naming the line of a problem."""
    seen = overview(path)
    result = Scan(records=seen.records, items=seen.items, comments=seen.comments,
                  utc_offset=seen.utc_offset)
    for wp_id, item in seen.attachments.items():
        result.attachments[wp_id] = Media(
            # An attachment's address becomes an <img src>: only http(s) ones are kept.
            url=safe_url(item.attachment_url or item.guid),
            alt=plain_text(item.meta.get("_wp_attachment_image_alt", "")),
            caption=plain_text(item.excerpt),
        )
        if item.parent not in {"", "0"}:
            result.children[item.parent].append(wp_id)
    return result
