from django.apps import AppConfig

# Comment fields no reader sees: writing only these (the spam filter's notes, retention clearing
# the IP address) announces nothing.
UNSEEN_COMMENT_FIELDS = ("trained_as", "spam_verdict", "spam_score", "spam_reasons",
                         "author_ip", "agent", "import_ref")


def comment_shows(comment) -> dict | None:
    """An approved comment shows on its article's page and in its count; held, spam and trashed
    ones show nowhere. A comment loaded without its status is taken as shown (never fetched)."""
    status = comment.__dict__.get("status")
    if status is None or status == comment.Status.APPROVED:
        return {"comments": [comment.__dict__.get("article_id")]}
    return None


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    verbose_name = "Comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead import changes
        from masthead.site import slots

        from . import counts  # noqa: F401 -- subscribes the approved-comment counts
        from .models import ArticleDiscussion, Comment, DiscussionSettings

        slots.register("below-article", "comments/section.html", order=20)
        slots.register("card-meta", "comments/card_meta.html")

        # A comment remembers whether it was shown when loaded: approving one, and sending a
        # shown one to Spam or Trash, both change what readers see.
        changes.follow(Comment, comment_shows, remember=True, unseen=UNSEEN_COMMENT_FIELDS)
        changes.follow(ArticleDiscussion, lambda row: {"comments": [row.article_id]})
        changes.follow(DiscussionSettings, lambda row: {"site": True})
