"""`masthead search_index [--rebuild | --check]`: look after the site search index.

The index follows every change by itself; rebuild it after loading rows behind Django's back
(a raw SQL import, `loaddata`), or to compact it."""

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from masthead.discovery import site_search
from masthead.newsroom.models import Article


class Command(BaseCommand):
    help = "Rebuild or check the site search index."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="index every article anew")
        action.add_argument("--check", action="store_true",
                            help="compare the index with the articles; exit 1 if they differ")

    def handle(self, *args, rebuild=False, check=False, **options):
        if rebuild:
            total = Article.objects.filter(status__in=site_search.SEARCHABLE_STATUSES).count()
            with Progress(transient=True) as progress:
                task = progress.add_task("Indexing articles", total=total or 1)
                count = site_search.rebuild(
                    progress=lambda done: progress.update(task, completed=done))
            self.stdout.write(f"Indexed {count} articles.")
            return
        from django.db import connection

        with connection.cursor() as cursor:
            indexed = site_search.backend_for().indexed_ids(cursor)
        wanted = set(Article.objects.filter(status__in=site_search.SEARCHABLE_STATUSES,
                                            published_at__isnull=False)
                     .values_list("pk", flat=True))
        missing, extra = wanted - indexed, indexed - wanted
        if missing or extra:
            raise CommandError(f"search index out of step: {len(missing)} articles missing, "
                               f"{len(extra)} indexed that should not be; run --rebuild")
        self.stdout.write(f"Search index in step: {len(indexed)} articles.")
