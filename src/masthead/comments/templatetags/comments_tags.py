"""{% comment_section article %}: the thread and the form under an article.

Three queries whatever the number of comments (settings, the article's discussion switch, the
approved comments), and nothing that depends on who is reading: the page stays cacheable.
"""

from django import template

from .. import counts
from ..models import ArticleDiscussion, DiscussionSettings
from ..thread import approved_comments, build_thread

register = template.Library()

SPAM_DEFENCE_NAME = "Masthead Antispam"


@register.inclusion_tag("comments/thread.html", takes_context=True)
def comment_section(context, article):
    request = context.get("request")
    discussion = DiscussionSettings.current()
    per_article = ArticleDiscussion.objects.filter(article_id=article.pk).first()
    comments = approved_comments(article)
    counts.remember(article, len(comments))
    is_open = discussion.comments_open_for(article, per_article)
    return {
        "article": article,
        "nodes": build_thread(comments, discussion.thread_depth),
        "count": len(comments),
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
    return {"article": article, "count": counts.cached(article)}
