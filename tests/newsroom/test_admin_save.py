"""An editor's article save through the admin stays cheap: a bounded number of SQL queries
(`masthead bench admin-save` measures its time on the demo newsroom)."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.bench.admin_save import change_form, change_form_data, save_article

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30


@pytest.fixture
def editor_client(client, role_users):
    client.force_login(role_users["Administrator"])
    return client


def test_an_article_save_costs_at_most_30_queries(editor_client, make_article, author,
                                                  django_capture_on_commit_callbacks):
    from masthead.newsroom.models import Article, Revision, Tag

    tags = [Tag.objects.create(name=f"Topic {i}") for i in range(3)]
    original = make_article(title="Harbour original")
    article = make_article(title="Harbour story", tags=tags, translation_of=original,
                           source_name="Agency")
    save_article(editor_client, article, "Harbour story")  # warm: settings rows, first revision
    # What runs after the commit (the change seam's stores, jobs enqueued) is part of the cost.
    url, data = change_form(editor_client, article, "Harbour story, corrected")
    with CaptureQueriesContext(connection) as captured:
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(url, data)
    queries = captured.captured_queries
    assert response.status_code == 302, response.content[:2000]
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Harbour story, corrected"
    assert set(article.tags.all()) == set(tags) and list(article.authors.all()) == [author]
    latest = Revision.objects.filter(article=article).first()
    assert latest.data["title"] == "Harbour story, corrected"
    assert latest.tag_ids == sorted(t.pk for t in tags) and latest.author_ids == [author.pk]
    assert len(queries) <= MAX_QUERIES, "\n".join(q["sql"][:120] for q in queries)


def test_the_change_form_reader_posts_what_a_browser_would():
    html = """<form id="article_form"><input name="title" value="T"><input type="checkbox"
    name="is_lead"><input type="checkbox" name="x" checked value="1"><select name="tags" multiple>
    <option value="1" selected>a</option><option value="2">b</option></select>
    <textarea name="body">
Hello</textarea><input type="submit" name="_save"></form><input name="outside">"""
    assert change_form_data(html) == {"title": ["T"], "x": ["1"], "tags": ["1"],
                                      "body": ["Hello"]}
