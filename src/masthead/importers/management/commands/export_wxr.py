"""`masthead export-wxr FILE`: write the site as a WordPress export (WXR 1.2)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from masthead.importers.export import export_wxr, items_to_export
from masthead.importers.management.checks import require_migrated_database
from masthead.importers.reporting import progress_bar


class Command(BaseCommand):
    help = ("Write articles, pages, sections, tags, authors, featured images and comments as a "
            "WordPress export file (WXR 1.2) that WordPress's importer reads.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the .xml file")
        parser.add_argument("--base-url", default="",
                            help="the site's public address for links (default MASTHEAD_BASE_URL)")

    def handle(self, *args, file, base_url, **options):
        require_migrated_database()
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"{file}: folder {path.parent} does not exist")
        if path.is_dir():
            raise CommandError(f"{file}: is a folder; give a file name")
        partial = path.with_name(path.name + ".partial")
        try:
            with progress_bar(f"Exporting to {path.name}", items_to_export(),
                              Console(stderr=True)) as advance:
                counts = export_wxr(partial, base_url=base_url, progress=advance)
            partial.replace(path)  # never leave half a file under the real name
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{file}: cannot write: {exc.strerror or exc}") from None
        shown = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        self.stdout.write(f"Wrote {path}: {shown or 'nothing (the site is empty)'}")
