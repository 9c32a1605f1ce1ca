"""WordPress authors become users (with no usable password: an administrator gives access) and
their Author bylines."""

from django.contrib.auth import get_user_model

from masthead.newsroom.models import Author, unique_slug

from .content import plain_text
from .models import LegacyURL, WordPressObject
from .records import digest_of
from .wxr import WxrAuthor

Kind = WordPressObject.Kind


class AuthorImporter:
    def __init__(self, run):
        self.run = run  # the WxrImporter: its summary, records and dry-run flag
        self.authors: dict[str, int | None] = {}  # login -> Author pk
        self.users_by_wp_id: dict[str, int] = {}  # for comments written by signed-in users

    def import_author(self, record: WxrAuthor) -> int | None:
        run, summary = self.run, self.run.summary
        login = record.login.strip()
        if not login:
            summary.warn("", "skipped an author with no login")
            summary.count("author", "skipped")
            return None
        mapping = run.records.find(Kind.AUTHOR, login)
        digest = digest_of(record)
        if mapping and mapping.digest == digest:
            found = Author.objects.filter(pk=mapping.object_id).values_list("user_id").first()
            if found:
                summary.count("author", "unchanged")
                self.authors[login] = mapping.object_id
                if record.wp_id and found[0]:
                    self.users_by_wp_id[record.wp_id] = found[0]
                return mapping.object_id
        summary.count("author", "updated" if mapping else "created")
        if run.dry_run:
            self.authors[login] = mapping.object_id if mapping else None
            return self.authors[login]
        display = plain_text(record.display_name, 100) or login[:100]
        User = get_user_model()
        user = User.objects.filter(username=login[:150]).first()
        if user is None:
            user = User(username=login[:150], email=record.email[:254],
                        first_name=record.first_name[:150], last_name=record.last_name[:150])
            # WordPress's password hashes are not in exports: an administrator gives access.
            user.set_unusable_password()
            user.save()
        elif record.email and not user.email:
            user.email = record.email[:254]
            user.save(update_fields=["email"])
        author = Author.objects.filter(pk=mapping.object_id).first() if mapping else None
        author = author or Author.objects.filter(user=user).first()
        if author is None:
            slug = unique_slug(Author, login, max_length=100)
            author = Author.objects.create(user=user, display_name=display, slug=slug)
        else:
            author.display_name = display
            author.save()
        run.records.remember(mapping, Kind.AUTHOR, login, author.pk, digest)
        run.records.old_address(f"/author/{login}/", LegacyURL.Target.AUTHOR, author.pk,
                                author.get_absolute_url())
        self.authors[login] = author.pk
        if record.wp_id:
            self.users_by_wp_id[record.wp_id] = user.pk
        return author.pk

    def author_for(self, creator: str) -> int | None:
        # Stray angle brackets around a login are a known slip in hand-edited exports.
        creator = creator.strip().strip("<>").strip()
        if not creator:
            return None
        if creator not in self.authors:
            # Items may name an author the file never declared (hand-made exports do).
            self.import_author(WxrAuthor(login=creator, display_name=creator))
        return self.authors.get(creator)
