"""{% comment_section article %}: the thread and the form under an article.

Four queries whatever the number of comments (settings, the article's discussion switch, the
thread's shape, the page of comments shown), and nothing that depends on who is reading: the page
stays cacheable. A long thread is shown a page at a time (see thread.py).
"""

from django import template

from masthead import changes

from .. import counts
from ..models import ArticleDiscussion, DiscussionSettings
from ..thread import PAGE_PARAMETER, page_number, thread_page

register = template.Library()

SPAM_DEFENCE_NAME = "Masthead Antispam"


@register.inclusion_tag("comments/thread.html", takes_context=True)
def comment_section(context, article):
    request = context.get("request")
    discussion = DiscussionSettings.current()
    per_article = ArticleDiscussion.objects.filter(article_id=article.pk).first()
    changes.shows(comments=[article.pk])
    asked = page_number(request.GET.get(PAGE_PARAMETER)) if request is not None else None
    thread = thread_page(article, discussion.thread_depth, asked)
    counts.remember(article, thread.count)
    is_open = discussion.comments_open_for(article, per_article)
    return {
        "article": article,
        "nodes": thread.nodes,
        "thread": thread,
        "page_parameter": PAGE_PARAMETER,
        "count": thread.count,
        "comments_open": is_open,
        "thread_depth": discussion.thread_depth,
        "require_name_email": discussion.require_name_email,
        "privacy_url": discussion.privacy_policy_url,
        "spam_defence_name": SPAM_DEFENCE_NAME,
        # Only the address decides this notice, so every reader of that address sees the same.
        "just_held": request is not None and request.GET.get("comment") == "pending",
    }


@register.inclusion_tag("comments/card_count.html")
def card_comment_count(article):
    """The " · 3 comments" on an article card, from the cache only (see counts.py)."""
    changes.shows(comments=[article.pk])
    return {"article": article, "count": counts.cached(article)}
