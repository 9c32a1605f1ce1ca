"""Saves never update related lists in the request: they enqueue a job a worker runs."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from masthead import changes
from masthead.related.models import RelatedChoice, RelatedLink

from .conftest import body_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """The real database queue, with no worker: jobs wait."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}

    def jobs():
        return [(r.task_path.rsplit(".", 1)[1], r.args_kwargs["args"])
                for r in DBTaskResult.objects.order_by("enqueued_at")]
    return jobs


@pytest.mark.django_db(transaction=True)  # real commits: one delivery per transaction
def test_a_save_enqueues_one_update_and_writes_no_list(make_article, queued, on_commit):
    def save():  # as the admin does: the article, its tags and bylines in one transaction
        with transaction.atomic():
            return make_article(title="Rocket", body=body_for("space", 1))

    article = on_commit(save)
    assert queued() == [("update_related_lists", [[article.pk], []])]
    assert not RelatedLink.objects.exists()


def test_a_bulk_change_enqueues_one_rebuild(make_article, queued, on_commit):
    def import_three():
        with changes.bulk():
            for i in range(3):
                make_article(title=f"Imported {i}", body=body_for("economy", i))

    on_commit(import_three)
    assert queued() == [("rebuild_related_lists", [])]


def test_lists_written_by_a_job_do_not_enqueue_another(queued):
    changes.announce(related=[1, 2, 3])
    assert queued() == []


def test_an_editors_choices_enqueue_one_refill(make_article, queued, on_commit):
    article, other = (make_article(title=f"A{i}", body=body_for("space", i)) for i in range(2))
    DBTaskResult.objects.all().delete()

    def choose():
        choice = RelatedChoice.objects.create(article=article)
        choice.excluded.add(other)

    on_commit(choose)
    assert queued() == [("update_related_lists", [[], [article.pk]])]


def test_a_worker_brings_the_lists_up_to_date(topical, queued, on_commit):
    from django_tasks_db.management.commands.db_worker import Worker

    first = [on_commit(topical, "space", i) for i in range(3)]
    assert not RelatedLink.objects.exists()
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
           startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[]).run()
    assert RelatedLink.objects.filter(article=first[0], related=first[1]).exists()
