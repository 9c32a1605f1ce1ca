"""`masthead import-wxr FILE`: bring a WordPress site over from its export file. Into a new data
dir it sets the site up first (as `masthead serve` does), then imports."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from masthead.importers.file_scan import scan
from masthead.importers.importer import WxrImporter
from masthead.importers.management.checks import require_migrated_database, set_up_database
from masthead.importers.media import download_media as fetch_media
from masthead.importers.reporting import print_summary, progress_bar
from masthead.importers.spam_training import teach_from_comments
from masthead.importers.wxr import WxrError


class Command(BaseCommand):
    help = ("Import a WordPress export (WXR 1.0-1.2): authors, categories, tags, posts, pages, "
            "attachments and comments. Running it again updates what changed.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xml file from WordPress's Tools › Export")
        parser.add_argument("--dry-run", action="store_true",
                            help="read and check everything and report, writing nothing")
        parser.add_argument("--download-media", action="store_true",
                            help="after the import, fetch each attachment into the media folder "
                                 "(a file that cannot be fetched is reported and skipped)")
        parser.add_argument("--train-spam", action="store_true",
                            help="teach the spam model with the imported spam and approved "
                                 "comments (after the import)")

    def handle(self, *args, file, dry_run, download_media, train_spam, verbosity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        progress_console = Console(stderr=True)
        try:
            with progress_console.status(f"Checking {path.name}…"):
                checked = scan(path)
            if dry_run:
                require_migrated_database()  # a dry run writes nothing, not even the tables
            else:
                set_up_database(progress_console.status)
            total = checked.records
            with progress_bar(f"Importing {path.name}", total, progress_console) as advance:
                importer = WxrImporter(path, dry_run=dry_run, progress=advance,
                                       remember_comments=train_spam)
                summary = importer.run(checked)
        except WxrError as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        print_summary(summary, console, verbose=verbosity > 1)
        if download_media and not dry_run:
            report = fetch_media(summary.site, progress_console=progress_console)
            console.print(f"media: {report.downloaded} downloaded, {report.already} already "
                          f"here, {len(report.failed)} failed")
            for url, reason in report.failed[:50]:
                console.print(f"  - {url}: {reason}", markup=False)
        if train_spam and not dry_run:
            self.train(importer.comments.written_ids, console, progress_console)

    def train(self, comment_ids, console, progress_console) -> None:
        with progress_bar("Teaching the spam model", len(comment_ids), progress_console) as step:
            report = teach_from_comments(comment_ids, progress=step)
        if report.error:
            raise CommandError(f"the import is done, but the spam model could not learn from "
                               f"it: {report.error}")
        console.print(f"spam model: learned from {report.spam} spam and {report.ham} approved "
                      f"comments" + (f" (model v{report.version})" if report.version else ""))
