"""Workers as separate processes: a killed worker's job runs again on another worker; a stopped
worker hands its job back at once; two workers on PostgreSQL never run the same job twice."""

import signal

import pytest

from .conftest import PATIENCE, Site, wait_until


def _runs(marker):
    runs = marker / "runs"
    return sorted(int(p.name) for p in runs.iterdir()) if runs.is_dir() else []


def test_a_job_whose_worker_is_killed_runs_again_on_another_worker(sqlite_site, tmp_path):
    marker = tmp_path / "marker"
    job_id = sqlite_site.enqueue("wait_for_release", str(marker))

    first = sqlite_site.start_worker()
    wait_until(lambda: first.pid in _runs(marker), "the first worker to start the job")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=PATIENCE)
    assert sqlite_site.job(job_id)["status"] == "RUNNING"  # stranded, until a worker notices

    # The stale limit is ten minutes here: the second worker sees at once that the first one's
    # process is gone and takes the job over.
    second = sqlite_site.start_worker()
    wait_until(lambda: second.pid in _runs(marker), "the second worker to take the job over")
    (marker / "release").touch()
    job = wait_until(lambda: (j := sqlite_site.job(job_id))["status"] == "SUCCESSFUL" and j,
                     "the job to finish")
    assert job["return_value"] == f"finished in {second.pid}"
    assert len(job["worker_ids"]) == 2
    assert _runs(marker) == sorted([first.pid, second.pid])


def test_a_stopped_worker_hands_its_job_back_and_exits(sqlite_site, tmp_path):
    marker = tmp_path / "marker"
    job_id = sqlite_site.enqueue("wait_for_release", str(marker))
    worker = sqlite_site.start_worker()
    wait_until(lambda: worker.pid in _runs(marker), "the worker to start the job")

    worker.send_signal(signal.SIGINT)
    _, err = worker.communicate(timeout=PATIENCE)
    assert worker.returncode == 0, err
    assert "Traceback" not in err
    job = sqlite_site.job(job_id)
    assert job["status"] == "READY" and job["worker_ids"] == []

    # The next worker runs it from the start.
    (marker / "release").touch()
    again = sqlite_site.start_worker()
    wait_until(lambda: sqlite_site.job(job_id)["status"] == "SUCCESSFUL", "the job to run again")
    assert again.pid in _runs(marker)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_run_the_same_job_twice(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    from django_tasks_db.models import DBTaskResult

    from . import sample_jobs

    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    site = Site(tmp_path / "site", {"DATABASE_URL": url})
    log = tmp_path / "runs.log"
    jobs = [sample_jobs.record_run.enqueue(str(log), f"job-{n}") for n in range(60)]
    try:
        workers = [site.start_worker(), site.start_worker()]
        wait_until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == len(jobs),
                   "every job to finish")
    finally:
        site.stop_all()
    lines = log.read_text().splitlines()
    labels = [line.split()[0] for line in lines]
    assert sorted(labels) == sorted(f"job-{n}" for n in range(60))  # each exactly once
    assert {int(line.split()[1]) for line in lines} <= {w.pid for w in workers}
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())
    assert [w.returncode for w in workers] == [0, 0]
