"""Comments on WordPress pages: Masthead's comments belong to articles, so a page's comments come
over as part of the page. Its approved comments are shown at the end of the page body, under
"Comments", oldest first, each with its author (linked when the author gave a safe website) and
date; held, spam and trashed ones are not shown. Every comment, whatever its status, is also kept
with the page's import record (`WordPressObject.meta["comments"]`), so nothing is lost and an
export can write them back."""

import html
from dataclasses import dataclass

from masthead.comments.rendering import render_comment_html
from masthead.site.safe_urls import safe_url

from .content import plain_text
from .wxr import WxrComment

SHOWN = {"1", "approve"}


@dataclass
class PageComments:
    html: str  # the block appended to the page body ("" when none is shown)
    shown: int
    kept: list  # every comment, as plain values, for the import record


def page_comments(comments: list[WxrComment], when) -> PageComments:
    """`when(comment)` gives a comment's aware datetime (the importer's date rules)."""
    kept, shown = [], []
    for comment in comments:
        date = when(comment)
        kept.append({
            "wp_id": comment.wp_id, "parent": comment.parent, "author": comment.author,
            "author_email": comment.author_email, "author_url": safe_url(comment.author_url),
            "author_ip": comment.author_ip, "date": date.isoformat() if date else "",
            "approved": comment.approved, "content": comment.content,
        })
        if comment.approved.lower() in SHOWN and comment.content.strip():
            shown.append((date, comment))
    if not shown:
        return PageComments("", 0, kept)
    shown.sort(key=lambda pair: (pair[0] is None, pair[0]))
    items = []
    for date, comment in shown:
        author = html.escape(plain_text(comment.author, 245) or "Anonymous")
        url = safe_url(comment.author_url)
        if url:
            author = f'<a href="{html.escape(url)}">{author}</a>'
        stamp = (f' · <time datetime="{date.isoformat()}">{date:%-d %B %Y}</time>'
                 if date else "")
        text = render_comment_html(comment.content, is_html=True)
        items.append(f"<li><p><cite>{author}</cite>{stamp}</p>{text}</li>")
    block = "<h2>Comments</h2><ol>" + "".join(items) + "</ol>"
    return PageComments(block, len(shown), kept)
