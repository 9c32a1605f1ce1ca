"""Comments as personal data: found by the commenter's e-mail address.

The comments app is another app; its model is looked up lazily, so this source (and the IP
retention clean-up) simply has nothing to do on a build without it.
"""

from django.apps import apps

from ..cookies import DeclaredCookie, declare
from ..personal_data import Erasure, PersonalDataSource, iso

ANONYMOUS = "Anonymous"
REQUIRED_FIELDS = {"author", "author_email", "author_url", "author_ip", "agent", "text",
                   "created_at"}


def comment_model():
    """The Comment model, or None when the comments app (or a field we rely on) is missing."""
    try:
        model = apps.get_model("comments", "Comment")
    except LookupError:
        return None
    fields = {f.name for f in model._meta.get_fields()}
    return model if REQUIRED_FIELDS <= fields else None


def declare_comment_cookie() -> None:
    """The comment form's "Save my name, email, and website" cookie, for the policy page (and
    deleted when a reader withdraws Preferences)."""
    try:
        from masthead.comments.views import AUTHOR_COOKIE, AUTHOR_COOKIE_AGE
    except ImportError:
        return
    days = round(AUTHOR_COOKIE_AGE / 86400)
    declare(DeclaredCookie(
        AUTHOR_COOKIE, "preferences",
        "Remembers the name, e-mail address and website you gave in the comment form; set only "
        "when you tick “Save my name, email, and website in this browser”.", f"{days} days",
    ))


class CommentsSource(PersonalDataSource):
    name = "comments"
    label = "Comments"

    def available(self) -> bool:
        return comment_model() is not None

    def _comments(self, email: str):
        return comment_model().objects.filter(author_email__iexact=email)

    def export(self, email, consent_ids):
        items = []
        for c in self._comments(email).select_related("article").order_by("created_at", "pk"):
            items.append({
                "id": c.pk,
                "article": c.article.title,
                "article_url": c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "author": c.author,
                "author_email": c.author_email,
                "author_url": c.author_url,
                "author_ip": c.author_ip,
                "user_agent": c.agent,
                "text": c.text,
                "status": c.status,
                "created_at": iso(c.created_at),
            })
        return items

    def erase(self, email, consent_ids, *, delete_content):
        comments = self._comments(email)
        if delete_content:
            # Replies to a deleted comment stay, detached (the model's parent is SET_NULL).
            return Erasure(removed=comments.delete()[1].get("comments.Comment", 0))
        # As WordPress does: the comment stays in the discussion, without its author.
        count = comments.update(author=ANONYMOUS, author_email="", author_url="", author_ip="",
                                agent="")
        note = "The text of anonymised comments is kept: erase with “delete content” to remove it."
        retained = [note] if count else []
        return Erasure(anonymised=count, retained=retained)
