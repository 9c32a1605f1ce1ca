"""Real worker processes for the jobs tests: `masthead worker` started as a user would, with this
repository on the path so the workers can import tests/jobs/sample_jobs.py."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Generous bounds: these wait for behaviour (a job handed over), they do not time anything.
PATIENCE = 90


def wait_until(condition, what: str, timeout: float = PATIENCE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


class Site:
    """A data dir with its own database, and helpers to drive it from outside."""

    def __init__(self, data_dir: Path, extra_env: dict):
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
            "MASTHEAD_DATA_DIR": str(data_dir),
            **extra_env,
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.workers: list[subprocess.Popen] = []

    def masthead(self, *args, **kwargs):
        return subprocess.run([sys.executable, "-m", "masthead.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=PATIENCE, **kwargs)

    def python(self, code: str) -> str:
        """Run `code` in a process with Django set up for this site; return its stdout."""
        prelude = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                   "'masthead.settings'); django.setup()\n")
        done = subprocess.run([sys.executable, "-c", prelude + code], env=self.env,
                              capture_output=True, text=True, timeout=PATIENCE)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def enqueue(self, job_name: str, *args) -> str:
        return self.python(
            f"from tests.jobs import sample_jobs\n"
            f"print(sample_jobs.{job_name}.enqueue(*{list(args)!r}).id)").strip()

    def job(self, job_id: str) -> dict:
        """The job's row, read straight from the SQLite file (no Django start-up per look)."""
        with sqlite3.connect(self.data_dir / "masthead.sqlite3", timeout=30) as db:
            row = db.execute(
                "SELECT status, worker_ids, return_value, traceback "
                "FROM django_tasks_database_dbtaskresult WHERE id = ?",
                [job_id.replace("-", "")]).fetchone()
        assert row is not None, f"no job {job_id}"
        status, worker_ids, return_value, traceback = row
        return {"status": status, "worker_ids": json.loads(worker_ids),
                "return_value": json.loads(return_value) if return_value else None,
                "traceback": traceback}

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "masthead.cli", "worker", "--interval", "0.1"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.workers.append(worker)
        return worker

    def stop_all(self):
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.communicate(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.communicate()


@pytest.fixture(scope="module")
def _migrated_sqlite_site(tmp_path_factory):
    """One migrated SQLite site for the module's tests (start-up is the slow part)."""
    site = Site(tmp_path_factory.mktemp("jobs") / "site", {"MASTHEAD_JOBS_STALE_SECONDS": "600"})
    site.env.pop("DATABASE_URL", None)
    site.env.pop("REDIS_URL", None)
    migrated = site.masthead("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    yield site
    site.stop_all()


@pytest.fixture
def sqlite_site(_migrated_sqlite_site):
    yield _migrated_sqlite_site
    _migrated_sqlite_site.stop_all()
    _migrated_sqlite_site.workers.clear()
