"""Import a WordPress export into the newsroom: the run behind `masthead import-wxr`.

The file is read twice, streaming both times. The first pass (file_scan.py) checks the whole
file, so a malformed or truncated export fails before anything is written. The second pass
writes everything inside one transaction and one bulk change (`masthead.changes.bulk()`): any
error leaves the site as it was, and the derived stores (search index, related lists, page
cache) hear one ChangeSet after the commit instead of one per post.

The run hands each record to the importer of its kind: authors.py, terms.py (categories, tags),
posts.py (posts, pages, attachments), comment_import.py; records.py remembers what each
WordPress object became, so a second import updates what changed and duplicates nothing.
"""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from masthead import changes
from masthead.newsroom.models import LANGUAGE_NAMES

from .authors import AuthorImporter
from .bulk import deferred_search_index
from .comment_import import CommentImporter
from .content import plain_text
from .file_scan import Scan, scan
from .posts import PostImporter
from .records import ImportRecords, normalise_path
from .summary import Summary
from .terms import TermImporter
from .wxr import WxrAuthor, WxrError, WxrItem, WxrSite, WxrTerm, read_wxr

EXPORT_GENERATOR = "Masthead"  # the <generator> of `masthead export-wxr` files


class WxrImporter:
    """One import run. `progress(advance)` is called as records are done."""

    def __init__(self, path, *, dry_run: bool = False, progress=None,
                 remember_comments: bool = False):
        self.path = path
        self.dry_run = dry_run
        self.progress = progress or (lambda n=1: None)
        self.summary = Summary(dry_run=dry_run)
        self.scan: Scan | None = None
        self.site = ""
        self.language = ""
        # Our own exports hold finished HTML: WordPress's paragraph rules must not apply twice.
        self.finished_html = False
        self.records = ImportRecords()
        self.authors = AuthorImporter(self)
        self.terms = TermImporter(self)
        self.posts = PostImporter(self)
        self.comments = CommentImporter(self, remember=remember_comments)

    def run(self, scan_result: Scan | None = None) -> Summary:
        self.scan = scan_result or scan(self.path)
        with (changes.bulk(), transaction.atomic(),
              deferred_search_index() as self.posts.index_articles):
            self._import_records()
            self.terms.settle_categories()
            if self.dry_run:
                transaction.set_rollback(True)  # belt and braces: a dry run writes nothing anyway
            else:
                self.flush()
        return self.summary

    def _import_records(self) -> None:
        for record in read_wxr(self.path):
            if isinstance(record, WxrSite):
                self.start_site(record)
                continue
            if isinstance(record, WxrAuthor):
                self.authors.import_author(record)
            elif isinstance(record, WxrTerm):
                self.terms.import_term(record)
            elif isinstance(record, WxrItem):
                if self.terms.waiting_categories:
                    self.terms.settle_categories()
                self.posts.import_item(record)
            self.progress(1)

    def start_site(self, site: WxrSite) -> None:
        # WordPress ids mean something only within one blog: records are kept per blog address.
        self.site = (site.base_blog_url or site.link or site.base_site_url or "").rstrip("/")
        self.summary.site = self.site
        code = (site.language or "").split("-")[0].lower()
        self.language = code if code in LANGUAGE_NAMES else ""
        self.records.start(self.site)
        self.finished_html = site.generator.startswith(EXPORT_GENERATOR)

    def flush(self) -> None:
        """Write the held-back rows: import records, old addresses, new articles' tags, bylines,
        first revisions, search entries, comments. Called every posts.BATCH articles and at the
        end."""
        self.records.flush()
        self.posts.flush()
        self.comments.flush()

    # -- shared rules ----------------------------------------------------------------------------
    def aware(self, local: datetime | None, gmt: datetime | None) -> datetime | None:
        """A WordPress date as an aware datetime: the GMT column when set, otherwise the local
        column at the blog's offset (learned from the file) or the site's time zone."""
        if gmt is not None:
            return gmt
        if local is None:
            return None
        if self.scan.utc_offset is not None:
            return (local - self.scan.utc_offset).replace(tzinfo=UTC)
        return timezone.make_aware(local)

    def where(self, item: WxrItem) -> str:
        title = plain_text(item.title, 60) or "(no title)"
        return f"line {item.line}, {item.post_type} {item.post_id} “{title}”"


def import_wxr(path, *, dry_run: bool = False, progress=None, scan_result: Scan | None = None,
               **options) -> Summary:
    """Import the WXR file at `path`; see WxrImporter. Raises WxrError for a bad file."""
    importer = WxrImporter(path, dry_run=dry_run, progress=progress, **options)
    return importer.run(scan_result)


__all__ = ["Summary", "WxrError", "WxrImporter", "import_wxr", "normalise_path", "scan"]
