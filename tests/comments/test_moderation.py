"""Moderation in the admin, learning from moderators, e-mail, retention."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from masthead.antispam import store
from masthead.antispam.models import SpamModelVersion
from masthead.comments.models import ArticleDiscussion, Comment
from masthead.jobs.worker import run_ready_jobs

pytestmark = pytest.mark.postgres  # also run on PostgreSQL (scripts/test does)

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def staff(db):
    """An administrator, an editor and an author, without the cost of hashing passwords."""
    from django.contrib.auth.models import Group, User

    from masthead.newsroom.models import Author
    from masthead.newsroom.roles import ensure_role_groups

    ensure_role_groups()
    users = {
        "Administrator": User.objects.create_user("admin", "admin@example.org", None,
                                                  is_staff=True, is_superuser=True),
        "Editor": User.objects.create_user("editor", "editor@example.org", None, is_staff=True),
        "Author": User.objects.create_user("author", "author@example.org", None, is_staff=True),
    }
    users["Editor"].groups.add(Group.objects.get(name="Editor"))
    users["Author"].groups.add(Group.objects.get(name="Author"))
    for role, user in users.items():
        Author.objects.create(user=user, display_name=f"{role} Person")
    return users


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff["Administrator"])
    return client


@pytest.fixture
def editor_client(client, staff):
    client.force_login(staff["Editor"])
    return client


def make(article, status="pending", **fields):
    fields.setdefault("author", "Reader")
    fields.setdefault("text", f"A comment that is {status}.")
    return Comment.objects.create(article=article, status=status, **fields)


def bulk(client, action, comments):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]},
                       follow=True)


def test_queue_shows_counts_per_status(admin_client, article):
    for status, n in [("pending", 2), ("approved", 3), ("spam", 1), ("trash", 4)]:
        for _ in range(n):
            make(article, status)
    page = admin_client.get(CHANGELIST).content.decode()
    for label in ["Pending (2)", "Approved (3)", "Spam (1)", "Trash (4)"]:
        assert label in page
    pending = admin_client.get(CHANGELIST + "?status=pending").content.decode()
    assert pending.count("A comment that is pending.") == 2
    assert "A comment that is approved." not in pending


def test_editors_moderate_too(editor_client, article):
    comment = make(article)
    bulk(editor_client, "bulk_approve", [comment])
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_bulk_actions_move_comments_and_restore_where_they_came_from(admin_client, article):
    a, b = make(article, "approved"), make(article, "pending")
    bulk(admin_client, "bulk_trash", [a, b])
    assert set(Comment.objects.values_list("status", flat=True)) == {"trash"}
    bulk(admin_client, "bulk_restore", [a, b])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("approved", "pending")
    bulk(admin_client, "bulk_unapprove", [a])
    a.refresh_from_db()
    assert a.status == "pending"


def test_marking_spam_and_not_spam_teaches_the_model(admin_client, article):
    text = "Totally novel zyxxyq marketing phrase qwopzz buy now"
    comment = make(article, "approved", text=text)
    _, before = store.current_filter()
    score_before = before.decide(store_submission(text)).score
    version_before = store.latest_version()
    response = bulk(admin_client, "bulk_spam", [comment])
    assert "learned from 1 comment" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "spam" and comment.trained_as == "spam"
    assert store.latest_version() == version_before + 1
    _, after = store.current_filter()
    assert after.decide(store_submission(text)).score > score_before
    # Marking it spam again teaches nothing new.
    bulk(admin_client, "bulk_spam", [comment])
    assert store.latest_version() == version_before + 1
    bulk(admin_client, "bulk_not_spam", [comment])
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.trained_as == "ham"
    assert store.latest_version() == version_before + 2
    assert SpamModelVersion.objects.get(version=version_before + 2).source == "feedback"


def store_submission(text):
    from masthead.antispam.signals import Submission

    return Submission(text=text)


def test_approving_a_held_comment_teaches_ham(admin_client, article):
    comment = make(article, "pending", spam_verdict="hold", text="A held but decent remark.")
    version = store.latest_version()
    bulk(admin_client, "bulk_approve", [comment])
    comment.refresh_from_db()
    assert comment.trained_as == "ham" and store.latest_version() == version + 1


def test_search_by_author_email_ip_and_text(admin_client, article):
    make(article, author="Findable Name", author_email="find@example.org",
         author_ip="203.0.113.9", text="needle in the haystack")
    make(article, author="Other", text="something else")
    for query in ["Findable", "find@example.org", "203.0.113.9", "needle"]:
        page = admin_client.get(CHANGELIST, {"q": query}).content.decode()
        assert "needle in the haystack" in page and "something else" not in page, query


def test_change_page_shows_the_reasons_and_status_edit_teaches(admin_client, post):
    post(comment="Subscribe to my channel for free money http://spam.example")
    comment = Comment.objects.get()
    page = admin_client.get(f"{CHANGELIST}{comment.pk}/change/").content.decode()
    assert "text model" in page and "spam probability" in page
    data = {"article": comment.article_id, "parent": "", "author": comment.author,
            "author_email": comment.author_email, "author_url": "",
            "text": comment.text + " edited",
            "status": "approved"}
    response = admin_client.post(f"{CHANGELIST}{comment.pk}/change/", data)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.text.endswith("edited")
    assert "edited" in comment.text_html


def test_admin_edit_refuses_binary_text(admin_client, article):
    comment = make(article)
    data = {"article": article.pk, "parent": "", "author": "x", "author_email": "",
            "author_url": "", "text": "bad \x07 text", "status": "pending"}
    response = admin_client.post(f"{CHANGELIST}{comment.pk}/change/", data)
    assert response.status_code == 200 and "not text" in response.content.decode()
    comment.refresh_from_db()
    assert comment.text == "A comment that is pending."


def test_reply_from_the_admin_approves_and_publishes(admin_client, article, staff):
    parent = make(article, "pending", text="Is the ferry running on Sunday?")
    page = admin_client.get(f"{CHANGELIST}{parent.pk}/reply/").content.decode()
    assert "Is the ferry running on Sunday?" in page
    assert admin_client.post(f"{CHANGELIST}{parent.pk}/reply/", {"text": ""}).status_code == 200
    response = admin_client.post(f"{CHANGELIST}{parent.pk}/reply/", {"text": "Yes, hourly."})
    assert response.status_code == 302
    parent.refresh_from_db()
    reply = Comment.objects.get(parent=parent)
    assert parent.status == "approved" and reply.status == "approved"
    assert reply.user == staff["Administrator"] and reply.author == "Administrator Person"


def test_per_article_list_and_closing(admin_client, article, make_article):
    other = make_article(title="Quiet story")
    make(article, "pending")
    make(article, "approved")
    make(article, "approved")
    page = admin_client.get("/admin/comments/articlecomments/").content.decode()
    assert article.title in page and other.title in page
    assert f"?article__id__exact={article.pk}" in page
    admin_client.post("/admin/comments/articlecomments/",
                      {"action": "close_comments", "_selected_action": [article.pk]})
    assert ArticleDiscussion.objects.get(article=article).comments_open is False
    only = admin_client.get(CHANGELIST, {"article__id__exact": article.pk}).content.decode()
    assert only.count("A comment that is approved.") == 2


def test_discussion_settings_edit_in_the_admin(admin_client, discussion):
    response = admin_client.get("/admin/comments/discussionsettings/")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/{discussion.pk}/change/")
    page = admin_client.get(response["Location"]).content.decode()
    for label in ["Hold a comment with more than this many links", "Disallowed comment keys",
                  "Comment moderation words", "Hold first-time commenters", "Spam filter"]:
        assert label.lower() in page.lower()


def _forget_queued_jobs():
    """The fixtures' saves queue related-list jobs through the change seam; these tests count
    only the e-mail job the comment queues."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()


def test_held_comment_emails_moderators_and_authors(post, discussion, article, staff,
                                                    django_capture_on_commit_callbacks):
    article.authors.set([staff["Author"].author])
    discussion.moderation_keys = "ferry"
    discussion.moderator_emails = "desk@example.org"
    discussion.save()
    _forget_queued_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        post()
    assert Comment.objects.get().status == "pending"
    assert mail.outbox == []  # not in the reader's request: a background job sends it
    assert run_ready_jobs() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"desk@example.org", "author@example.org"}
    assert "ferry timetable" in message.body and "moderation key" in message.body


def test_approved_comment_sends_no_email(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post()
    run_ready_jobs()
    assert mail.outbox == []


def test_a_mail_server_that_is_down_is_tried_again(post, discussion, settings,
                                                   django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    discussion.moderation_keys = "ferry"
    discussion.moderator_emails = "desk@example.org"
    discussion.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    _forget_queued_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        response = post()
    assert response.status_code < 500  # the reader never sees the mail server's trouble
    run_ready_jobs()
    job = DBTaskResult.objects.get()
    assert job.status == "READY" and job.traceback.startswith("Attempt 1 of 5 failed")
    assert "ConnectionRefusedError" in job.traceback


@pytest.mark.parametrize("setting, value, expected, signal", [
    ("disallowed_keys", "timetable", "spam", "disallowed key"),
    ("disallowed_keys", "jo@example.org", "spam", "disallowed key"),
    ("disallowed_keys", "127.0.0.1", "spam", "disallowed key"),
    ("moderation_keys", "Ferry", "pending", "moderation key"),
    ("max_links", 0, "pending", "links"),
    ("hold_first_time", True, "pending", "first comment"),
])
def test_discussion_rules(post, discussion, setting, value, expected, signal):
    setattr(discussion, setting, value)
    discussion.save()
    post(comment="The ferry timetable http://ferries.example/ is clearer now.")
    comment = Comment.objects.get()
    assert comment.status == expected
    assert any(r["signal"] == signal for r in comment.spam_reasons)


def test_first_time_rule_lets_known_authors_through(post, discussion, article):
    discussion.hold_first_time = True
    discussion.save()
    make(article, "approved", author_email="jo@example.org", text="Earlier, approved.")
    post()
    assert Comment.objects.get(text__startswith="A thoughtful").status == "approved"


def test_purge_deletes_only_old_spam_and_trash(article, discussion):
    old = timezone.now() - timedelta(days=31)
    kept = [make(article, s) for s in ["pending", "approved", "spam", "trash"]]
    for status in ["pending", "approved", "spam", "trash"]:
        c = make(article, status)
        Comment.objects.filter(pk=c.pk).update(status_changed_at=old)
    call_command("purge_comments")
    remaining = set(Comment.objects.values_list("status", flat=True))
    assert Comment.objects.count() == 6 and remaining == {"pending", "approved", "spam", "trash"}
    assert all(Comment.objects.filter(pk=c.pk).exists() for c in kept)


def test_retrain_needs_enough_examples(article):
    make(article, "spam")
    with pytest.raises(CommandError, match="need at least 10 spam and 10 ham"):
        call_command("retrain_spam", no_progress=True)


def test_retrain_from_moderated_comments(article):
    from tests.antispam.samples import HAM_TEXTS, SPAM_TEXTS

    for text in SPAM_TEXTS:
        make(article, "spam", text=text)
    for text in HAM_TEXTS:
        make(article, "approved", text=text)
    version = store.latest_version()
    call_command("retrain_spam", no_progress=True)
    row = SpamModelVersion.objects.get(version=version + 1)
    assert row.source == "retrain" and row.trained_on == len(SPAM_TEXTS) + len(HAM_TEXTS)


def test_retrain_with_a_bad_dataset_path(article, tmp_path):
    with pytest.raises(CommandError, match="no Youtube"):
        call_command("retrain_spam", dataset=str(tmp_path), no_progress=True)
