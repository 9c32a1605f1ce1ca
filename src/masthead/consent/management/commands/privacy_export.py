"""masthead privacy-export EMAIL [--consent-id ID ...] [--output FILE]: a reader's personal data
as JSON (GDPR article 15), on stdout or into FILE."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.consent.models import PrivacyRequest
from masthead.consent.personal_data import export_personal_data


class Command(BaseCommand):
    help = "Export all personal data held about an e-mail address as JSON."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--consent-id", action="append", default=[], dest="consent_ids",
                            help="a consent id the reader quotes (repeatable)")
        parser.add_argument("--output", "-o", help="write the JSON to this file")

    def handle(self, *args, email, consent_ids, output, **options):
        try:
            data = export_personal_data(email, consent_ids)
        except ValueError as exc:
            raise CommandError(str(exc))
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if output:
            try:
                Path(output).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror or exc}")
        else:
            self.stdout.write(text)
        PrivacyRequest.objects.create(
            kind=PrivacyRequest.Kind.EXPORT, email=data["request"]["email"],
            consent_ids=data["request"]["consent_ids"], requested_by="command line",
            summary={k: len(v["items"]) for k, v in data["data"].items()},
        )
        if output:
            counts = ", ".join(f"{v['label']}: {len(v['items'])}" for v in data["data"].values())
            self.stderr.write(f"Wrote {output} ({counts})")
