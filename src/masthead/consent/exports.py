"""Personal-data exports started from the admin run as a background job, not in the request: on a
site with years of comments the search can take a while. The file waits in the data dir's
private folder (never served to the public) until an administrator downloads it from the list of
privacy requests."""

import json
import os
from pathlib import Path

from django.conf import settings

from masthead.jobs import job

from .models import PrivacyRequest
from .personal_data import export_personal_data


def export_file(request: PrivacyRequest) -> Path:
    return Path(settings.DATA_DIR) / "private" / "privacy-exports" / f"{request.pk}.json"


def download_name(request: PrivacyRequest) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "@.-_" else "_" for ch in request.email)
    return f"personal-data-{safe}.json"


@job(max_attempts=3, retry_delay=30)
def build_privacy_export(request_id: int) -> None:
    request = PrivacyRequest.objects.filter(pk=request_id).first()
    if request is None:
        return  # the request was deleted meanwhile
    data = export_personal_data(request.email, request.consent_ids)
    path = export_file(request)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    partial.chmod(0o600)
    os.replace(partial, path)  # whole or absent, never half a file
    request.summary = {kind: len(found["items"]) for kind, found in data["data"].items()}
    request.state = PrivacyRequest.State.READY
    request.save(update_fields=["summary", "state"])
