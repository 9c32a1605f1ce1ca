"""Jobs show in the project's admin with their state and error, and Failed is one filter away."""

import pytest
from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from masthead.jobs.admin import JobAdmin
from masthead.jobs.worker import run_ready_jobs

from . import sample_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # also on PostgreSQL


def test_the_project_admin_site_shows_jobs_with_our_admin():
    assert isinstance(admin.site._registry[DBTaskResult], JobAdmin)


def test_failed_filter_lists_failed_jobs_with_their_error(admin_client, tmp_path):
    failed = sample_jobs.always_fails.enqueue("the SMTP server refused us")
    sample_jobs.record_run.enqueue(str(tmp_path / "log"), "fine")
    run_ready_jobs()

    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    html = page.content.decode()
    rows = html.split('id="result_list"')[1].split("</table>")[0]
    assert "always_fails" in rows and "record_run" not in rows
    assert "ValueError: the SMTP server refused us" in rows
    assert '<td class="field-attempts">3</td>' in rows

    detail = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.id}/change/")
    assert detail.status_code == 200
    assert "Traceback" in detail.content.decode()

    everything = admin_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "record_run" in everything and "Successful" in everything


def test_workers_page_is_readable(admin_client):
    assert admin_client.get("/admin/jobs/workerheartbeat/").status_code == 200
