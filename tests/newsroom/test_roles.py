"""Every newsroom role against every action, through the admin as a real user would do it."""

import re

import pytest
from django.urls import reverse

from masthead.newsroom import roles
from masthead.newsroom.models import Article, Author, Section

pytestmark = pytest.mark.django_db

ROLES = ["Administrator", "Editor", "Author", "Contributor"]
Y, N = True, False
# action -> allowed for (Administrator, Editor, Author, Contributor)
MATRIX = {
    "add_article": (Y, Y, Y, Y),
    "edit_own_draft": (Y, Y, Y, Y),
    "edit_own_published": (Y, Y, Y, N),
    "edit_others": (Y, Y, N, N),
    "publish_own": (Y, Y, Y, N),
    "publish_others": (Y, Y, N, N),
    "delete_own_draft": (Y, Y, Y, Y),
    "delete_others": (Y, Y, N, N),
    "review_queue": (Y, Y, N, N),
    "manage_sections": (Y, Y, N, N),
    "manage_site": (Y, N, N, N),
    "moderate_comments": (Y, Y, N, N),
    "discussion_settings": (Y, N, N, N),
    "consent_settings": (Y, N, N, N),
    "spam_models": (Y, N, N, N),
    "background_jobs": (Y, N, N, N),
}
# Screens other apps add, by the admin URL that shows them.
SCREENS = {
    "moderate_comments": "admin:comments_comment_changelist",
    "discussion_settings": "admin:comments_discussionsettings_changelist",
    "consent_settings": "admin:consent_category_changelist",
    "spam_models": "admin:antispam_spammodelversion_changelist",
    "background_jobs": "admin:django_tasks_database_dbtaskresult_changelist",
}
CASES = [(action, role, allowed[i]) for action, allowed in MATRIX.items()
         for i, role in enumerate(ROLES)]


def _article(user, status=Article.Status.DRAFT, title="A piece"):
    article = Article.objects.create(title=title, body="Body.", status=status, created_by=user)
    article.authors.set([Author.objects.get(user=user)])
    return article


def _inline_management(client, article):
    """The management fields of whatever inlines other apps add to the article form."""
    page = client.get(reverse("admin:newsroom_article_change", args=[article.pk]))
    if page.status_code != 200:
        return {}
    fields = re.findall(r'name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d+)"',
                        page.content.decode())
    data = dict(fields)
    for name in list(data):
        if name.endswith("-TOTAL_FORMS"):
            data[name] = data[name.replace("TOTAL", "INITIAL")]  # post no new inline rows
    return data


def _form_data(article, client=None, **changes):
    data = {
        "title": article.title, "slug": article.slug, "dek": "", "body": article.body,
        "section": "", "language": "en", "importance": "3", "status": article.status,
        "published_at_0": "", "published_at_1": "", "updated_at_0": "", "updated_at_1": "",
        "breaking_until_0": "", "breaking_until_1": "", "review_note": "", "source_name": "",
        "source_url": "", "source_language": "", "source_published_at_0": "",
        "source_published_at_1": "", "translation_of": "", "featured_image_url": "",
        "image_alt": "", "image_caption": "", "authors": [a.pk for a in article.authors.all()],
    }
    if client is not None:
        data.update(_inline_management(client, article))
    data.update(changes)
    return data


def _attempt(client, users, action, role):
    """Try `action` as `role`; return True if the server let it happen."""
    me = users[role]
    other = users["Editor"] if role != "Editor" else users["Author"]
    client.force_login(me)
    change = lambda a: reverse("admin:newsroom_article_change", args=[a.pk])  # noqa: E731

    if action == "add_article":
        return client.get(reverse("admin:newsroom_article_add")).status_code == 200
    if action == "edit_own_draft":
        a = _article(me)
        client.post(change(a), _form_data(a, client, title="Edited"))
        return Article.objects.get(pk=a.pk).title == "Edited"
    if action == "edit_own_published":
        a = _article(me, status=Article.Status.PUBLISHED)
        client.post(change(a), _form_data(a, client, title="Edited"))
        return Article.objects.get(pk=a.pk).title == "Edited"
    if action == "edit_others":
        a = _article(other)
        client.post(change(a), _form_data(a, client, title="Edited"))
        return Article.objects.get(pk=a.pk).title == "Edited"
    if action in ("publish_own", "publish_others"):
        a = _article(me if action == "publish_own" else other)
        client.post(change(a), _form_data(a, client, status="published"))
        return Article.objects.get(pk=a.pk).status == Article.Status.PUBLISHED
    if action in ("delete_own_draft", "delete_others"):
        a = _article(me if action == "delete_own_draft" else other)
        client.post(reverse("admin:newsroom_article_delete", args=[a.pk]), {"post": "yes"})
        return not Article.objects.filter(pk=a.pk).exists()
    if action == "review_queue":
        a = _article(other, status=Article.Status.PENDING)
        client.post(reverse("admin:newsroom_article_changelist"),
                    {"action": "publish_selected", "_selected_action": [a.pk]})
        return Article.objects.get(pk=a.pk).status == Article.Status.PUBLISHED
    if action == "manage_sections":
        client.post(reverse("admin:newsroom_section_add"),
                    {"name": "New desk", "slug": "new-desk", "description": "", "position": 0})
        return Section.objects.filter(slug="new-desk").exists()
    if action == "manage_site":
        return client.get(reverse("admin:auth_user_changelist")).status_code == 200
    if action in SCREENS:
        response = client.get(reverse(SCREENS[action]), follow=True)  # settings: to the one row
        assert response.status_code in (200, 403), response.status_code
        return response.status_code == 200
    raise AssertionError(action)


@pytest.mark.parametrize("action,role,allowed", CASES, ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_role_against_action_through_the_admin(client, role_users, action, role, allowed):
    assert _attempt(client, role_users, action, role) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_rules_module_agrees_with_the_matrix(role_users, role):
    me, other = role_users[role], role_users["Editor" if role != "Editor" else "Author"]
    i = ROLES.index(role)
    own, theirs = _article(me), _article(other)
    assert roles.can_edit_article(me, own) is MATRIX["edit_own_draft"][i]
    assert roles.can_edit_article(me, theirs) is MATRIX["edit_others"][i]
    assert roles.can_publish_article(me, own) is MATRIX["publish_own"][i]
    assert roles.can_publish_article(me, theirs) is MATRIX["publish_others"][i]
    assert roles.can_review(me) is MATRIX["review_queue"][i]
    assert roles.can_manage_site(me) is MATRIX["manage_site"][i]
    assert roles.can_moderate(me) is MATRIX["moderate_comments"][i]
    assert roles.can_view_article(me, own) is True
    assert roles.can_view_article(me, theirs) is MATRIX["edit_others"][i]
    for action in roles.ADMIN_ACTIONS:
        assert roles.moderators_policy(me, action) is MATRIX["moderate_comments"][i]
        assert roles.site_managers_policy(me, action) is MATRIX["manage_site"][i]
        assert roles.site_records_policy(me, action) is (
            action in ("module", "view") and MATRIX["manage_site"][i])
        assert roles.desk_choices_policy(me, action) is (
            True if action in ("module", "view") else MATRIX["review_queue"][i])


def test_a_reader_account_has_no_role_and_no_screen(django_user_model):
    reader = django_user_model.objects.create_user("reader", password="x")
    assert roles.role_of(reader) is None
    for policy in (roles.article_policy, roles.moderators_policy, roles.site_managers_policy,
                   roles.site_records_policy, roles.desk_choices_policy):
        assert not any(policy(reader, action) for action in roles.ADMIN_ACTIONS)


def test_the_moderate_permission_alone_lets_a_user_moderate(django_user_model):
    from django.contrib.auth.models import Permission

    helper = django_user_model.objects.create_user("helper", password="x")
    assert not roles.can_moderate(helper)
    helper.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    helper = django_user_model.objects.get(pk=helper.pk)  # permissions are cached per object
    assert roles.can_moderate(helper)


def test_every_admin_screen_of_ours_asks_the_roles_module():
    from django.contrib import admin

    ours = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()
            if type(model_admin).__module__.startswith("masthead.")}
    assert {"newsroom.Article", "comments.Comment", "consent.Category",
            "antispam.SpamModelVersion", "auth.User", "django_tasks_database.DBTaskResult"
            } <= set(ours)
    for label, model_admin in ours.items():
        assert isinstance(model_admin, roles.RoleAdminMixin), label
        for inline in model_admin.inlines:
            assert issubclass(inline, roles.RoleAdminMixin), (label, inline)


def test_contributor_submits_for_review_and_editor_sends_back_with_a_note(client, role_users):
    contributor, editor = role_users["Contributor"], role_users["Editor"]
    client.force_login(contributor)
    a = _article(contributor)
    change = reverse("admin:newsroom_article_change", args=[a.pk])
    client.post(change, _form_data(a, client, status="pending"))
    assert Article.objects.get(pk=a.pk).status == Article.Status.PENDING

    client.force_login(editor)
    index = client.get(reverse("admin:index")).content.decode()
    assert "<strong>1</strong> article waiting for review" in index
    a.refresh_from_db()
    client.post(change, _form_data(a, client, status="draft", review_note="Needs a second source."))
    a.refresh_from_db()
    assert a.status == Article.Status.DRAFT and a.review_note == "Needs a second source."

    client.force_login(contributor)
    page = client.get(change).content.decode()
    assert "Needs a second source." in page


def test_every_save_keeps_a_revision_and_an_editor_restores_one(client, role_users):
    editor = role_users["Editor"]
    client.force_login(editor)
    a = _article(editor, title="Version one")
    change = reverse("admin:newsroom_article_change", args=[a.pk])
    client.post(change, _form_data(a, client, body="First text"))
    client.post(change, _form_data(a, client, body="Second text"))
    assert a.revisions.count() == 2
    history = client.get(reverse("admin:newsroom_article_revisions", args=[a.pk]))
    assert history.status_code == 200 and "First text" in history.content.decode()
    oldest = a.revisions.order_by("created_at", "pk").first()
    client.post(reverse("admin:newsroom_article_restore", args=[a.pk, oldest.pk]))
    a.refresh_from_db()
    assert a.body == "First text"


def test_preview_shows_a_draft_to_its_writer_only(client, role_users):
    a = _article(role_users["Contributor"], title="Secret draft")
    client.force_login(role_users["Contributor"])
    assert "Secret draft" in client.get(
        reverse("admin:newsroom_article_preview", args=[a.pk])).content.decode()
    client.force_login(role_users["Author"])
    assert client.get(reverse("admin:newsroom_article_preview", args=[a.pk])).status_code == 403
    client.logout()
    assert client.get(a.get_absolute_url()).status_code == 404


def test_markdown_preview_endpoint_sanitises(client, role_users):
    client.force_login(role_users["Author"])
    r = client.post(reverse("admin:newsroom_preview_markdown"),
                    {"body": "**b** <script>x</script>"})
    assert r.json()["html"].strip() == "<p><strong>b</strong> </p>"


def test_anonymous_visitors_cannot_reach_the_admin(client):
    r = client.get(reverse("admin:newsroom_article_changelist"))
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
