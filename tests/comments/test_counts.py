"""Comment counts on article cards in lists: from the cache, never a query per card."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.comments.models import Comment
from masthead.comments.moderation import Action, moderate


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def get(url):
    with CaptureQueriesContext(connection) as ctx:
        page = Client().get(url).content.decode()
    return page, len(ctx.captured_queries)


def test_list_shows_counts_without_more_queries(article, make_article, section):
    others = [make_article(title=f"Other {i}") for i in range(3)]
    # A site's first page view creates its settings rows (one INSERT each): not what is measured.
    get(section.get_absolute_url())
    cache.clear()
    _, queries_cold = get(section.get_absolute_url())
    for i in range(2):
        Comment.objects.create(article=article, author="R", text=f"c{i}", status="approved")
    Client().get(article.get_absolute_url())  # the article page stores its count
    page, queries_warm = get(section.get_absolute_url())
    assert queries_warm == queries_cold
    assert f'href="{article.get_absolute_url()}#comments">2 comments</a>' in page
    assert page.count('class="card__comments"') == 1  # the others have none, and show none
    assert others


def test_moderation_and_posting_keep_the_count_current(article, section, post):
    post()
    page, _ = get(section.get_absolute_url())
    assert ">1 comment</a>" in page
    comment = Comment.objects.get()
    moderate([comment], Action.TRASH)
    page, _ = get(section.get_absolute_url())
    assert 'class="card__comments"' not in page
    moderate([comment], Action.RESTORE)
    assert ">1 comment</a>" in get(section.get_absolute_url())[0]


def test_a_changed_comment_forgets_the_count(article, section):
    comment = Comment.objects.create(article=article, author="R", text="c", status="approved")
    Client().get(article.get_absolute_url())
    assert ">1 comment</a>" in get(section.get_absolute_url())[0]
    comment.delete()
    assert 'class="card__comments"' not in get(section.get_absolute_url())[0]
