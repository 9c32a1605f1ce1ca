"""The Django glue: the shared stored model, reloading, the fail-safe, Akismet, the starter."""

import akismet
import pytest

from masthead.antispam import akismet_signal, service, store
from masthead.antispam.models import SpamModelVersion
from masthead.antispam.signals import History, Submission

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (scripts/test does)


def test_a_new_site_gets_the_shipped_starter_model(db):
    store.forget_loaded()
    version, spam_filter = store.current_filter()
    row = SpamModelVersion.objects.get(version=version)
    assert row.source == "starter" and row.trained_on > 1000
    verdict = spam_filter.decide(Submission("Check out my channel and subscribe!! http://x.example"))
    assert verdict.action in {"spam", "hold"}
    assert spam_filter.decide(Submission("The ferry story was well told.")).action == "approve"


def test_every_process_reloads_when_the_version_moves(quick_filter):
    version, mine = store.current_filter()
    # Another process saves a new version: simulate it by writing the row directly.
    other = SpamModelVersion.objects.get(version=version)
    SpamModelVersion.objects.create(version=version + 1, source="feedback", data=other.data)
    new_version, reloaded = store.current_filter()
    assert new_version == version + 1 and reloaded is not mine


def test_teaching_saves_a_new_version_and_prunes_old_ones(quick_filter):
    for i in range(store.VERSIONS_KEPT + 2):
        store.teach([f"novel phrase {i}"], [1])
    versions = list(SpamModelVersion.objects.values_list("version", flat=True))
    assert len(versions) == store.VERSIONS_KEPT
    assert store.teach([], []) is None


def test_a_broken_model_holds_the_comment(quick_filter):
    SpamModelVersion.objects.create(version=store.latest_version() + 1, source="feedback",
                                    data=b"garbage")
    verdict = service.assess(Submission("A perfectly fine comment."))
    assert verdict.action == "hold"
    assert verdict.reasons[-1]["signal"] == "fail-safe"


def test_a_missing_starter_holds_the_comment(db, settings, tmp_path):
    settings.MASTHEAD_SPAM_STARTER_MODEL = str(tmp_path / "nothing.joblib")
    store.forget_loaded()
    verdict = service.assess(Submission("A perfectly fine comment."))
    assert verdict.action == "hold" and "fail-safe" in {r["signal"] for r in verdict.reasons}


def test_a_slow_filter_holds_the_comment(quick_filter, settings):
    settings.MASTHEAD_SPAM_BUDGET_MS = 0
    verdict = service.assess(Submission("A perfectly fine comment."))
    assert verdict.action == "hold" and "budget" in verdict.reasons[-1]["detail"]


class SaysSpam(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.SPAM


class SaysHam(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.HAM


@pytest.mark.parametrize("client_class, expected", [(SaysSpam, True), (SaysHam, False)])
def test_akismet_is_one_more_signal_when_configured(quick_filter, settings, monkeypatch,
                                                    client_class, expected):
    settings.MASTHEAD_AKISMET_KEY = "test-key"
    settings.MASTHEAD_AKISMET_URL = "http://testserver"
    config = akismet.Config(key="test-key", url="http://testserver")
    monkeypatch.setattr(akismet_signal, "_client",
                        lambda: (client_class(config=config), akismet.CheckResponse))
    verdict = service.assess(Submission("Nice article.", ip="203.0.113.1", user_agent="Mozilla"),
                             History())
    akismet_reason = next(r for r in verdict.reasons if r["signal"] == "akismet")
    assert (akismet_reason["weight"] > 0) == expected


def test_akismet_off_by_default_and_failures_stay_silent(quick_filter, settings, monkeypatch):
    assert akismet_signal.check(Submission("x")) == (None, "")
    settings.MASTHEAD_AKISMET_KEY = "test-key"

    def broken():
        raise akismet.ConfigurationError("bad key")

    monkeypatch.setattr(akismet_signal, "_client", broken)
    answer, note = akismet_signal.check(Submission("x"))
    assert answer is None and "failed" in note
    verdict = service.assess(Submission("Nice article."))
    assert verdict.action == "approve"


def _in_threads(count, work):
    """Run `work` in `count` threads released together; return their results or exceptions."""
    import threading

    from django.db import connection

    barrier, results = threading.Barrier(count), []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001  (the test reports what went wrong)
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_the_starter_installs_once_under_concurrency():
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables across threads; "
                    "test_the_starter_installs_once_on_sqlite covers SQLite")
    store.forget_loaded()
    results = _in_threads(6, lambda: store.current_filter()[0])
    assert results == [1] * 6, results
    assert list(SpamModelVersion.objects.values_list("version", "source")) == [(1, "starter")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_each_get_a_version(quick_filter):
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables across threads")
    first = store.latest_version()
    results = _in_threads(4, lambda: store.save_filter(quick_filter, "retrain").version)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [first + 1, first + 2, first + 3, first + 4]


def test_an_unreadable_model_holds_and_warns_the_admin(quick_filter, admin_client):
    import pickle

    SpamModelVersion.objects.create(version=store.latest_version() + 1, source="retrain",
                                    data=pickle.dumps({"format": 1}))  # as stored before
    verdict = service.assess(Submission("A perfectly fine comment."))
    assert verdict.action == "hold" and "cannot be read" in verdict.reasons[-1]["detail"]
    for url in ["/admin/comments/comment/", "/admin/antispam/spammodelversion/"]:
        page = admin_client.get(url).content.decode()
        assert "The spam filter is not working" in page, url
    store.forget_loaded()


RACE = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "masthead.settings"
django.setup()
from masthead.antispam import store
start = float(sys.argv[1])
while time.time() < start:  # every process asks at the same moment
    time.sleep(0.001)
print(store.current_filter()[0])
"""


@pytest.mark.django_db(transaction=True)
def test_the_starter_installs_once_on_sqlite(tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys
    import time

    env = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "masthead.cli", "migrate"], env=env, check=True,
                   capture_output=True, timeout=300)
    start = str(time.time() + 8)
    workers = [subprocess.Popen([sys.executable, "-c", RACE, start], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for _ in range(4)]
    answers = [worker.communicate(timeout=300) for worker in workers]
    assert [out.strip() for out, _ in answers] == ["1"] * 4, answers
    with sqlite3.connect(tmp_path / "masthead.sqlite3") as db:
        rows = db.execute("SELECT version, source FROM antispam_spammodelversion").fetchall()
    assert rows == [(1, "starter")]


@pytest.mark.django_db(transaction=True)
def test_upgrading_drops_pickled_models_and_keeps_new_ones(quick_filter):
    import pickle

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("antispam", "0001_initial")])
    old_apps = executor.loader.project_state([("antispam", "0001_initial")]).apps
    OldVersion = old_apps.get_model("antispam", "SpamModelVersion")
    OldVersion.objects.all().delete()
    OldVersion.objects.create(version=1, source="starter", data=pickle.dumps({"format": 1}))
    OldVersion.objects.create(version=2, source="retrain", data=quick_filter.to_bytes())
    executor = MigrationExecutor(connection)
    executor.migrate([("antispam", "0002_drop_pickled_models")])
    assert list(SpamModelVersion.objects.values_list("version", flat=True)) == [2]
    store.forget_loaded()
