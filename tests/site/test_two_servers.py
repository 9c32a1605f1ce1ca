"""Two app servers on one PostgreSQL + Redis see each other's changes: an edit made through one
server's admin reaches the other's page cache through the change seam, and a job enqueued on one
machine is run by a worker.

Runs with `-m postgres` when DATABASE_URL is PostgreSQL and REDIS_URL is set (scripts/test does):
the servers are real `masthead serve` processes on free ports, pointed at the test database."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from masthead.bench.admin_save import change_form_data
from tests.conftest import free_port, wait_for_port

ON_POSTGRES_AND_REDIS = (os.environ.get("DATABASE_URL", "").startswith("postgres")
                         and bool(os.environ.get("REDIS_URL")))
# serialized_rollback: the rows migrations create (consent categories...) come back afterwards.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES_AND_REDIS,
                       reason="needs DATABASE_URL on PostgreSQL and REDIS_URL (-m postgres)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-for-two-servers-123"
# `masthead worker` where the jobs app has it, else django-tasks-db's own worker command.
WORKER_COMMAND = (["worker"] if (Path(__file__).resolve().parents[2] / "src/masthead/jobs/"
                                 "management/commands/worker.py").exists() else ["db_worker"])


@pytest.fixture
def shared_env():
    db = connection.settings_dict
    url = (f"postgres://{urllib.parse.quote(db['USER'] or '')}:"
           f"{urllib.parse.quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "DATABASE_URL": url, "MASTHEAD_PAGE_CACHE_SECONDS": "300",
            "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def _masthead(data_dir: Path, *args) -> list[str]:
    return [sys.executable, "-m", "masthead.cli", "--data-dir", str(data_dir), *args]


@pytest.fixture
def start(shared_env, tmp_path):
    procs = []

    def run(name: str, *args, port: int | None = None) -> subprocess.Popen:
        data_dir = tmp_path / name
        data_dir.mkdir(exist_ok=True)
        proc = subprocess.Popen(_masthead(data_dir, *args), env=shared_env, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        if port is not None:
            wait_for_port(port, proc)
        return proc

    yield run
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _server(start, name: str) -> str:
    port = free_port()
    start(name, "serve", "--port", str(port), "--workers", "1", port=port)
    return f"http://127.0.0.1:{port}"


class Browser:
    """A signed-in editor's browser: cookies, and the admin's CSRF token posted back."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str):
        return self.opener.open(self.base + path, timeout=30)

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Referer": self.base + path})
        return self.opener.open(request, timeout=30)

    def sign_in(self, username: str) -> None:
        page = self.get("/admin/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.post("/admin/login/?next=/admin/", {"csrfmiddlewaretoken": token,
                                                 "username": username, "password": PASSWORD})
        assert any(c.name == "sessionid" for c in self.jar), "the admin refused the sign-in"


def _anonymous(base: str, path: str):
    response = urllib.request.urlopen(base + path, timeout=30)
    return response.headers.get("X-Masthead-Cache"), response.read().decode()


def test_an_edit_on_one_server_shows_on_the_other_and_a_job_runs(start, shared_env, tmp_path,
                                                                 make_article, role_users):
    from django_tasks_db.models import DBTaskResult

    user = role_users["Administrator"]
    user.set_password(PASSWORD)
    user.save()
    article = make_article(title="Lighthouse keeper retires")
    server_a, server_b = _server(start, "a"), _server(start, "b")

    # A site's first page views create its settings rows (each a change): then B keeps the page.
    states = [_anonymous(server_b, article.get_absolute_url())[0] for _ in range(4)]
    assert states[-2:] == ["hit", "hit"], states

    editor = Browser(server_a)
    editor.sign_in(user.username)
    change = f"/admin/newsroom/article/{article.pk}/change/"
    data = change_form_data(editor.get(change).read().decode())
    data["title"] = ["Lighthouse keeper retires after forty winters"]
    editor.post(change, data)

    state, page = _anonymous(server_b, article.get_absolute_url())
    assert state == "miss" and "after forty winters" in page

    # A job enqueued on server A's machine is run by a worker (on another data dir, as another
    # machine would): it reindexes a title changed behind Django's back, and B's search finds it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE newsroom_article SET title = %s WHERE id = %s",
                       ["Lighthouse keeper retires to the albatross colony", article.pk])
    enqueue = subprocess.run(_masthead(
        tmp_path / "a", "shell", "-c",
        "from masthead.discovery.signals import reindex_articles; "
        f"print(reindex_articles.enqueue([{article.pk}]).id)"),
        env=shared_env, capture_output=True, text=True, timeout=120)
    assert enqueue.returncode == 0, enqueue.stderr
    job_id = enqueue.stdout.strip().splitlines()[-1]
    start("worker", *WORKER_COMMAND)
    deadline = time.monotonic() + 120  # a deadline to fail by, not a timing under test
    while DBTaskResult.objects.get(pk=job_id).status not in {"SUCCESSFUL", "FAILED"}:
        assert time.monotonic() < deadline, "no worker ran the job"
        time.sleep(0.5)
    assert DBTaskResult.objects.get(pk=job_id).status == "SUCCESSFUL"
    _, results = _anonymous(server_b, "/search/?q=albatross")
    assert "retires to the albatross colony" in re.sub(r"<[^>]+>", "", results)  # marks off
