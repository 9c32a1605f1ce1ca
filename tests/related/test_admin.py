"""The editors' controls reach the article form through the newsroom's declared inline registry,
and saving them in the admin updates the list through a job, not in the request."""

import pytest
from django.urls import reverse

from masthead.newsroom.admin import ArticleAdmin, article_inlines
from masthead.related.admin import RelatedChoiceInline, RelatedPinInline
from masthead.related.models import RelatedLink

pytestmark = pytest.mark.django_db


def test_the_newsroom_class_is_left_as_it_is():
    assert RelatedPinInline not in ArticleAdmin.inlines
    assert [RelatedChoiceInline, RelatedPinInline] == [
        i for i in article_inlines if i in {RelatedChoiceInline, RelatedPinInline}]


def test_the_article_form_shows_the_related_inlines(client, role_users, make_article):
    article = make_article(title="Rocket launch")
    client.force_login(role_users["Editor"])
    page = client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Related articles: See also line and exclusions" in body
    assert "Related articles: pinned" in body


def test_an_editors_save_leaves_the_lists_to_the_worker(client, role_users, make_article,
                                                       settings, on_commit,
                                                       django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    from tests.newsroom.test_roles import _form_data

    article = on_commit(make_article, title="Rocket launch")
    RelatedLink.objects.all().delete()
    DBTaskResult.objects.all().delete()
    client.force_login(role_users["Editor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:newsroom_article_change", args=[article.pk]),
                               _form_data(article, client, title="Rocket launch, delayed"))
    assert response.status_code == 302
    assert not RelatedLink.objects.exists()  # nothing computed in the request
    assert [r.task_path.rsplit(".", 1)[1] for r in DBTaskResult.objects.all()] == [
        "update_related_lists"]
