"""`import-wxr --download-media`: fetch imported attachments into the media folder.

Runs after the import has committed, one file at a time: a file that cannot be fetched (no
network, a 404, a timeout) is recorded on its attachment and reported, and the rest go on.
Articles whose featured image or body pointed at a fetched file then point at the local copy.
"""

import posixpath
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.core.files.base import ContentFile

from masthead.newsroom.models import Article, Page

from .models import ImportedAttachment

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 20


@dataclass
class DownloadReport:
    downloaded: int = 0
    already: int = 0
    failed: list = field(default_factory=list)  # (url, reason)


def fetch(url: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The file at `url`, or OSError with a short reason."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise OSError("not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": "Masthead importer"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from None
    except TimeoutError:
        raise OSError("timed out") from None
    if len(data) > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def download_media(site: str, *, progress_console=None, timeout: float = TIMEOUT_SECONDS):
    report = DownloadReport()
    attachments = ImportedAttachment.objects.filter(site=site).order_by("pk")
    report.already = attachments.exclude(file="").count()
    pending = list(attachments.filter(file=""))
    status = progress_console.status("Downloading media…") if progress_console else None
    if status:
        status.start()
    try:
        for n, attachment in enumerate(pending, 1):
            if status:
                status.update(f"Downloading media {n}/{len(pending)}: {attachment.url[-60:]}")
            try:
                data = fetch(attachment.url, timeout)
            except OSError as exc:
                reason = str(exc.strerror or exc)[:300]
                attachment.download_error = reason
                attachment.save(update_fields=["download_error"])
                report.failed.append((attachment.url, reason))
                continue
            name = posixpath.basename(unquote(urlsplit(attachment.url).path)) or "file"
            attachment.file.save(name, ContentFile(data), save=False)
            attachment.download_error = ""
            attachment.save(update_fields=["file", "download_error"])
            point_at_local_copy(attachment)
            report.downloaded += 1
    finally:
        if status:
            status.stop()
    return report


def point_at_local_copy(attachment: ImportedAttachment) -> None:
    local = attachment.file.url
    for article in Article.objects.filter(featured_image_url=attachment.url, featured_image=""):
        article.featured_image = attachment.file.name
        article.featured_image_url = ""
        article.save()
    for model in (Article, Page):
        for obj in model.objects.filter(body__contains=attachment.url):
            obj.body = obj.body.replace(attachment.url, local)
            obj.save()
