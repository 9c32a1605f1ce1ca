"""Posting comments as a reader: with and without JavaScript, and where they end up."""

import json
from urllib.parse import unquote

import pytest
from django.test import Client

from masthead.comments.models import Comment

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (scripts/test does)


def test_plain_post_is_approved_and_redirects_to_the_comment(post, article):
    response = post()
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED, comment.spam_reasons
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author_ip == "127.0.0.1"
    assert comment.spam_verdict == "approve" and comment.spam_reasons
    page = page_of(article)
    assert f'id="comment-{comment.pk}"' in page
    assert "A thoughtful remark about the ferry timetable." in page
    assert "1 Comment" in page


def page_of(article) -> str:
    """The article page as a new anonymous reader gets it."""
    return Client().get(article.get_absolute_url()).content.decode()


def test_json_post_returns_the_rendered_comment(post):
    response = post(json=True)
    assert response.status_code == 201
    data = response.json()
    assert data["ok"] and data["status"] == "approved"
    assert f'id="comment-{data["id"]}"' in data["html"]


def test_spammy_comment_is_not_published_and_reader_is_told_it_awaits_moderation(post, article):
    response = post(comment="Subscribe to my channel for free money http://spam.example/win now")
    comment = Comment.objects.get()
    assert comment.status in {Comment.Status.SPAM, Comment.Status.PENDING}
    assert response["Location"].endswith("?comment=pending#comment-status")
    assert comment.spam_score is not None
    assert any(r["signal"] == "text model" for r in comment.spam_reasons)
    page = page_of(article)
    assert "http://spam.example" not in page


def test_pending_notice_shows_on_the_article(client, article):
    page = client.get(article.get_absolute_url() + "?comment=pending").content.decode()
    assert "Your comment is awaiting moderation" in page


def test_honeypot_sends_to_spam(post):
    post(mh_leave_empty="http://bot.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert any(r["signal"] == "honeypot" for r in comment.spam_reasons)


def test_save_details_cookie_only_when_ticked(post, client):
    response = post()
    assert "comment_author" not in response.cookies
    response = post(comment="Another remark entirely.", **{"wp-comment-cookies-consent": "yes"})
    saved = json.loads(unquote(response.cookies["comment_author"].value))
    assert saved == {"author": "Jo Reader", "email": "jo@example.org", "url": ""}
    # Unticked next time: the cookie is removed.
    response = post(comment="A third remark.")
    assert response.cookies["comment_author"]["max-age"] == 0


def test_reply_nests_under_its_parent(post, article, client):
    post()
    parent = Comment.objects.get()
    post(comment="I agree with you.", comment_parent=str(parent.pk), author="Sam",
         email="sam@example.org")
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent_id == parent.pk and reply.status == Comment.Status.APPROVED
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index(f'id="comment-{parent.pk}"') < page.index('<ol class="children">') \
        < page.index(f'id="comment-{reply.pk}"')


def test_reply_page_without_javascript(post, client):
    post()
    parent = Comment.objects.get()
    response = client.get(f"/comments/reply/{parent.pk}/")
    assert response.status_code == 200
    assert f'name="comment_parent" id="comment_parent" value="{parent.pk}"' in \
        response.content.decode()
    assert client.get("/comments/reply/999999/").status_code == 404
    assert client.get(f"/comments/reply/{2**70}/").status_code == 404


def test_trial_mode_records_but_holds(post, discussion):
    discussion.spam_filter = "trial"
    discussion.save()
    post()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_verdict == "approve"
    assert any(r["signal"] == "trial mode" for r in comment.spam_reasons)


def test_filter_off_holds_everything(post, discussion):
    discussion.spam_filter = "off"
    discussion.save()
    post()
    assert Comment.objects.get().status == Comment.Status.PENDING
