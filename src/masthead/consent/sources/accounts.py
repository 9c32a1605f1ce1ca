"""Staff accounts and bylines as personal data: exported, never erased automatically (an account
owns articles and revisions; an administrator decides what becomes of it)."""

from django.contrib.auth import get_user_model

from ..personal_data import Erasure, PersonalDataSource, iso


class AccountsSource(PersonalDataSource):
    name = "accounts"
    label = "Staff accounts and bylines"

    def _users(self, email):
        return get_user_model().objects.filter(email__iexact=email).select_related("author")

    def export(self, email, consent_ids):
        items = []
        for user in self._users(email):
            item = {
                "username": user.get_username(), "first_name": user.first_name,
                "last_name": user.last_name, "email": user.email,
                "date_joined": iso(user.date_joined), "last_login": iso(user.last_login),
            }
            author = getattr(user, "author", None)
            if author is not None:
                item["byline"] = {"display_name": author.display_name, "bio": author.bio,
                                  "url": author.get_absolute_url()}
            items.append(item)
        return items

    def erase(self, email, consent_ids, *, delete_content):
        names = [u.get_username() for u in self._users(email)]
        return Erasure(retained=[
            f"Staff account “{name}” is kept: edit or delete it under Users (it may own "
            "articles and revisions)." for name in names
        ])
