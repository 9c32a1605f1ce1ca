"""`masthead import-feed URL-or-FILE --section SLUG`: feed items become draft articles."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from masthead.importers.feeds import FeedError, import_feed
from masthead.importers.management.checks import require_migrated_database
from masthead.newsroom.models import Section


class Command(BaseCommand):
    help = ("Take the items of an RSS or Atom feed as draft articles with their source name, "
            "source URL and original date; items taken before are skipped.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="the feed's URL, or a file holding it")
        parser.add_argument("--section", required=True, help="slug of the section for the drafts")
        parser.add_argument("--source-name", default="",
                            help="the source to credit (default: the feed's title)")
        parser.add_argument("--dry-run", action="store_true",
                            help="say what would be taken, writing nothing")

    def handle(self, *args, source, section, source_name, dry_run, **options):
        require_migrated_database()
        target = Section.objects.filter(slug=section).first()
        if target is None:
            known = ", ".join(Section.objects.values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(f"no section with the slug {section!r} (sections: {known})")
        try:
            with Console(stderr=True).status(f"Reading {source}…"):
                summary = import_feed(source, target, source_name=source_name, dry_run=dry_run)
        except FeedError as exc:
            raise CommandError(str(exc)) from None
        verb = "would take" if dry_run else "took"
        self.stdout.write(f"{summary.source_name}: {verb} {summary.taken} item(s) as drafts in "
                          f"{target.name}; skipped {summary.skipped} already taken")
        for warning in summary.warnings:
            self.stdout.write(f"  - {warning}")
