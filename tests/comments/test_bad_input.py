"""Every bad input the issue names gets a clear message and a 4xx, and stores nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.comments.models import ArticleDiscussion, Comment

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (scripts/test does)


@pytest.fixture
def existing(article):
    """A comment already stored, which no bad post may touch."""
    return Comment.objects.create(article=article, author="Kept", author_email="kept@example.org",
                                  text="Kept as it is.", status=Comment.Status.APPROVED)


def unchanged(existing):
    assert Comment.objects.count() == 1
    fresh = Comment.objects.get()
    assert (fresh.pk, fresh.text, fresh.status) == (existing.pk, "Kept as it is.", "approved")
    return True


@pytest.mark.parametrize("fields, status, message", [
    ({"comment": ""}, 400, "Please type your comment."),
    ({"comment": "   \n\t  "}, 400, "Please type your comment."),
    ({"comment": "x" * 10_001}, 400, "too long"),
    ({"comment": "binary \x00\x01\x02 data"}, 400, "Null characters are not allowed"),
    ({"comment": "bell \x07 and escape \x1b"}, 400, "not text"),
    ({"email": "not-an-email"}, 400, "valid email address"),
    ({"email": ""}, 400, "Please enter your email address."),
    ({"author": ""}, 400, "Please enter your name."),
    ({"url": "javascript:alert(1)"}, 400, "valid web address"),
    ({"url": "http://"}, 400, "valid web address"),
    ({"comment_parent": "abc"}, 400, "reply-to is not valid"),
    ({"comment_post_ID": "nope"}, 400, "did not say which article"),
    ({"comment_post_ID": "99999999"}, 404, "does not exist"),
    ({"comment_post_ID": "9" * 40}, 400, "did not say which article"),
])
def test_bad_fields_are_refused_with_a_message(post, existing, fields, status, message):
    response = post(**fields)
    assert response.status_code == status
    assert message in response.content.decode()
    assert unchanged(existing)
    json_response = post(json=True, **fields)
    assert json_response.status_code == status
    assert any(message in m for m in json_response.json()["errors"])
    assert unchanged(existing)


def test_the_form_comes_back_filled_in_after_an_error(post):
    response = post(email="broken", comment="My words are not lost.")
    page = response.content.decode()
    assert "My words are not lost." in page and 'value="broken"' in page


def test_non_utf8_body_is_refused(client, article, existing):
    body = b"comment=caf%E9+ol%E9&author=Jo&email=jo%40example.org&comment_post_ID=" + \
        str(article.pk).encode()
    response = client.post("/comments/post/", body,
                           content_type="application/x-www-form-urlencoded",
                           HTTP_ORIGIN="http://testserver")
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert unchanged(existing)


def test_reply_to_a_comment_of_another_article(post, make_article, existing):
    other = make_article(title="Another story")
    elsewhere = Comment.objects.create(article=other, author="B", text="Elsewhere",
                                       status=Comment.Status.APPROVED)
    response = post(comment_parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert "only reply to a comment on this article" in response.content.decode()
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("status", ["trash", "spam", "pending", "deleted"])
def test_reply_to_a_removed_comment(post, article, existing, status):
    gone = Comment.objects.create(article=article, author="Gone", text="Soon gone",
                                  status=Comment.Status.APPROVED)
    gone_pk = gone.pk
    if status == "deleted":
        gone.delete()
    else:
        Comment.objects.filter(pk=gone_pk).update(status=status)
    response = post(comment_parent=str(gone_pk))
    assert response.status_code == 400
    assert "not there any more" in response.content.decode()
    assert Comment.objects.exclude(pk=gone_pk).count() == 1


def test_post_to_an_article_closed_by_hand(post, article, existing):
    ArticleDiscussion.objects.create(article=article, comments_open=False)
    response = post()
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert unchanged(existing)


def test_post_when_comments_are_off_site_wide(post, discussion, existing):
    discussion.comments_enabled = False
    discussion.save()
    assert post().status_code == 403
    assert unchanged(existing)


def test_post_to_an_article_closed_by_age(post, discussion, make_article):
    discussion.close_after_days = 14
    discussion.save()
    old = make_article(title="Old story", published_at=timezone.now() - timedelta(days=15))
    response = post(comment_post_ID=str(old.pk))
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    page = Client().get(old.get_absolute_url()).content.decode()
    assert "Comments are closed." in page and 'id="commentform"' not in page
    assert not Comment.objects.exists()


def test_post_to_an_unpublished_article(post, make_article):
    draft = make_article(title="Draft", status="draft", published_at=None)
    assert post(comment_post_ID=str(draft.pk)).status_code == 404
    assert not Comment.objects.exists()


def test_flood_from_one_ip(post, discussion):
    discussion.flood_seconds = 15
    discussion.save()
    assert post().status_code == 303
    response = post(comment="A second thought, straight away.")
    assert response.status_code == 429
    assert "posting comments too quickly" in response.content.decode()
    assert Comment.objects.count() == 1


def test_duplicate_comment(post):
    assert post().status_code == 303
    response = post()
    assert response.status_code == 409
    assert "Duplicate comment" in response.content.decode()
    assert Comment.objects.count() == 1


def test_get_is_not_allowed(client, db):
    assert client.get("/comments/post/").status_code == 405
