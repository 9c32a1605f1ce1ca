"""masthead privacy-erase EMAIL [--consent-id ID ...] [--delete-content] [--yes]: erase or
anonymise a reader's personal data (GDPR article 17). Without --yes it only says what it would
touch."""

from django.core.management.base import BaseCommand, CommandError

from masthead.consent.models import PrivacyRequest
from masthead.consent.personal_data import clean_request, erase_personal_data, preview_erasure


class Command(BaseCommand):
    help = "Erase or anonymise all personal data held about an e-mail address."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--consent-id", action="append", default=[], dest="consent_ids",
                            help="a consent id the reader quotes (repeatable)")
        parser.add_argument("--delete-content", action="store_true",
                            help="delete their comments too, instead of anonymising them")
        parser.add_argument("--yes", action="store_true", help="really erase (no dry run)")

    def handle(self, *args, email, consent_ids, delete_content, yes, **options):
        try:
            email, consent_ids = clean_request(email, consent_ids)
        except ValueError as exc:
            raise CommandError(str(exc))
        if not yes:
            for label, count in preview_erasure(email, consent_ids).items():
                self.stdout.write(f"{label}: {count}")
            self.stdout.write("Nothing erased yet: run again with --yes to erase.")
            return
        result = erase_personal_data(email, consent_ids, delete_content=delete_content)
        PrivacyRequest.objects.create(kind=PrivacyRequest.Kind.ERASE, email=email,
                                      consent_ids=consent_ids, requested_by="command line",
                                      summary=result)
        for name, r in result.items():
            self.stdout.write(f"{name}: {r['removed']} removed, {r['anonymised']} anonymised")
            for note in r["retained"]:
                self.stdout.write(f"  kept: {note}")
