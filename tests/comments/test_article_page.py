"""The thread on the article page: fixed queries, same bytes for everyone, safe markup."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.comments.models import Comment

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (scripts/test does)


def queries_for(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    return len(ctx.captured_queries)


def add_thread(article, n: int) -> list[Comment]:
    made = []
    for i in range(n):
        parent = made[i // 2] if i and i % 3 else None
        made.append(Comment.objects.create(
            article=article, parent=parent, author=f"Reader {i}", text=f"Comment number {i}",
            author_url="https://reader.example/" if i % 2 else "", status=Comment.Status.APPROVED))
    return made


def test_query_count_does_not_grow_with_comments(article, make_article):
    quiet = make_article(title="No comments here")
    # A first visit may create settings rows (another test may have flushed them): warm up.
    queries_for(article.get_absolute_url())
    add_thread(article, 2)
    busy_queries_before = queries_for(article.get_absolute_url())
    add_thread(article, 30)
    Comment.objects.create(article=article, author="Held", text="held", status="pending")
    assert queries_for(article.get_absolute_url()) == busy_queries_before
    # No comments: the thread's shape says so and the query for the shown comments is skipped.
    assert queries_for(quiet.get_absolute_url()) == busy_queries_before - 1


def test_page_is_the_same_bytes_for_every_anonymous_reader(article, client):
    add_thread(article, 5)
    url = article.get_absolute_url()
    first = Client().get(url).content
    returning = Client()
    returning.cookies["comment_author"] = "%7B%22author%22%3A%22Jo%22%7D"
    returning.get("/comments/token/")  # has a CSRF cookie now, as after using the form
    assert returning.get(url).content == first
    assert b"csrfmiddlewaretoken" not in first and b"csrftoken" not in first


def test_thread_markup(article):
    made = add_thread(article, 4)
    Comment.objects.create(article=article, author="<b>Bold</b>", status="approved",
                           text="<script>alert(1)</script> see https://example.org/x.")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "5 Comments" in page
    for comment in made:
        assert f'id="comment-{comment.pk}"' in page
        assert f'href="#comment-{comment.pk}"' in page
    assert 'href="https://reader.example/" rel="nofollow ugc"' in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page
    link = '<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>.'
    assert link in page
    assert "This site uses Masthead Antispam to reduce spam." in page
    assert 'href="/privacy-policy/#comments">Learn how your comment data is processed.</a>' in page
    for name in ["comment", "author", "email", "url", "comment_parent"]:
        assert f'name="{name}"' in page
    assert "Save my name, email, and website in this browser for the next time I comment." \
        in page


def test_held_and_spam_comments_are_not_shown(article):
    for status in ["pending", "spam", "trash"]:
        Comment.objects.create(article=article, author="x", text=f"secret-{status}", status=status)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "secret-" not in page and "No comments yet" in page


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_replies_nest_no_deeper_than_the_setting(article, discussion, depth):
    discussion.thread_depth = depth
    discussion.save()
    parent = None
    for i in range(5):
        parent = Comment.objects.create(article=article, parent=parent, author=f"R{i}",
                                        text=f"level {i}", status="approved")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert page.count('<ol class="children">') == depth - 1
    assert f"depth-{depth + 1}" not in page
    # Reply links only where a reply could still nest: the comments above the deepest level.
    assert page.count('class="comment-reply-link"') == depth - 1


def test_orphaned_reply_still_shows(article):
    parent = Comment.objects.create(article=article, author="P", text="parent", status="trash")
    Comment.objects.create(article=article, parent=parent, author="C", text="child survives",
                           status="approved")
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "child survives" in page
