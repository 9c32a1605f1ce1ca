"""Which WordPress post meta means something to Masthead. Imports no Django.

WordPress keeps everything a plugin knows about a post in post meta. The keys below map onto
article fields; to map another plugin's key, add it here. Everything else (bar editor locks and
oEmbed caches) is kept with the import record, so an export can write it back.
"""

import mimetypes
from collections.abc import Callable
from urllib.parse import urlsplit

from masthead.site.safe_urls import safe_url

from .content import plain_text
from .wxr import WxrItem

# Article field -> meta keys that hold it, first match wins.
ARTICLE_FIELDS = {
    "source_url": (
        "source_url", "_source_url", "original_url", "syndication_permalink",
        "syndication_source_uri", "_syndication_permalink", "wpe_sourcelink", "source_link",
    ),
    "source_name": ("source_name", "_source_name", "syndication_source", "source"),
}
# Shown as the summary when the post has no excerpt of its own.
DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "rank_math_description", "_aioseo_description")
PRIMARY_CATEGORY_KEYS = ("_yoast_wpseo_primary_category", "rank_math_primary_category")
# Working state of the WordPress editor: meaningless elsewhere.
DROPPED_PREFIXES = ("_edit_lock", "_edit_last", "_oembed_", "_encloseme", "_pingme")


def article_fields(meta: dict, where: str, warn: Callable[[str, str], None]) -> dict:
    fields = {}
    for field, keys in ARTICLE_FIELDS.items():
        value = next((meta[k].strip() for k in keys if meta.get(k, "").strip()), "")
        if not value:
            continue
        if field == "source_url":
            safe = safe_url(value)  # the site's one URL check: it becomes a link
            if not safe or len(safe) > 500:
                warn(where, f"source URL {value[:80]!r} is not an http(s) address; left out")
                continue
            value = safe
        else:
            value = plain_text(value, 200)
        fields[field] = value
    return fields


def description(meta: dict) -> str:
    return next((plain_text(meta[k]) for k in DESCRIPTION_KEYS if meta.get(k, "").strip()), "")


def primary_category(meta: dict) -> str | None:
    return next((meta[k].strip() for k in PRIMARY_CATEGORY_KEYS if meta.get(k, "").strip()), None)


def old_slugs(meta_all: list[tuple[str, str]]) -> list[str]:
    """Slugs the post had before (WordPress redirects them; so do we)."""
    return [value.strip() for key, value in meta_all if key == "_wp_old_slug" and value.strip()]


def kept(item: WxrItem) -> dict:
    """What the import record keeps of an item that has no Masthead field: its meta, and the
    WordPress dates and addresses, for export and for people moving on again."""
    return {
        "postmeta": [[k, v] for k, v in item.meta_all if not k.startswith(DROPPED_PREFIXES)],
        "post_date": str(item.date or ""), "post_date_gmt": str(item.date_gmt or ""),
        "post_modified_gmt": str(item.modified_gmt or ""), "guid": item.guid, "link": item.link,
        "parent": item.parent, "menu_order": item.menu_order,
        "comment_status": item.comment_status, "ping_status": item.ping_status,
        "status": item.status,
        "terms": [list(term) for term in item.terms],
    }


def mime_type(url: str) -> str:
    return mimetypes.guess_type(urlsplit(url).path)[0] or ""
