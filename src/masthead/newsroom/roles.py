"""Newsroom roles, as newsrooms and WordPress users know them, and what each may do.

Every rule lives here, as one small function per action, and the admin asks these functions
rather than checking roles itself, so the server enforces the same matrix the tests check.
Every app's ModelAdmin (and inline) mixes in `RoleAdminMixin` and names one policy of this
module: a function `(user, action, obj)` over the admin's actions "module", "view", "add",
"change" and "delete", so no app writes a role rule of its own.

- Administrator: everything, including users and site settings.
- Editor: all content (any article, sections, tags, authors, pages), the review queue.
- Author: writes and publishes their own articles.
- Contributor: writes their own drafts and submits them for review; cannot publish.
"""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission


class Role(StrEnum):
    ADMINISTRATOR = "Administrator"
    EDITOR = "Editor"
    AUTHOR = "Author"
    CONTRIBUTOR = "Contributor"


# Model permissions each role's group carries, so Django's admin shows it the right screens.
# The object-level rules (whose article, which status) are the functions below.
_CONTENT = ["article", "revision"]
_DESK = ["section", "tag", "author", "page"]
GROUP_PERMISSIONS = {
    Role.ADMINISTRATOR: None,  # all permissions
    Role.EDITOR: [f"{verb}_{model}" for model in _CONTENT + _DESK
                  for verb in ("add", "change", "delete", "view")]
    + ["publish_article", "edit_others_article"],
    Role.AUTHOR: ["add_article", "change_article", "delete_article", "view_article",
                  "view_revision", "publish_article", "view_section", "view_tag", "add_tag",
                  "view_author"],
    Role.CONTRIBUTOR: ["add_article", "change_article", "delete_article", "view_article",
                       "view_revision", "view_section", "view_tag", "view_author"],
}


def ensure_role_groups(**kwargs) -> None:
    """Create or refresh the four role groups (run after every migrate)."""
    for role, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        perms = Permission.objects.all()
        if codenames is not None:
            perms = perms.filter(codename__in=codenames)
        group.permissions.set(perms)


def role_of(user) -> Role | None:
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {g.name for g in user.groups.all()}
    for role in Role:  # strongest first
        if role.value in names:
            return role
    return None


def _is_own(user, article) -> bool:
    if article is None or article.pk is None:
        return True
    if article.created_by_id == user.pk:
        return True
    return article.authors.filter(user_id=user.pk).exists()


def _is_unpublished(article) -> bool:
    return article is None or article.first_published_at is None


def can_write(user) -> bool:
    return role_of(user) is not None


def can_edit_article(user, article) -> bool:
    role = role_of(user)
    if role in (Role.ADMINISTRATOR, Role.EDITOR):
        return True
    if role is Role.AUTHOR:
        return _is_own(user, article)
    if role is Role.CONTRIBUTOR:
        # A contributor's work is theirs until it goes out; after that the desk owns it.
        return _is_own(user, article) and _is_unpublished(article)
    return False


def can_publish_article(user, article) -> bool:
    role = role_of(user)
    if role in (Role.ADMINISTRATOR, Role.EDITOR):
        return True
    if role is Role.AUTHOR:
        return _is_own(user, article)
    return False


def can_delete_article(user, article) -> bool:
    return can_edit_article(user, article) and (
        role_of(user) is not Role.CONTRIBUTOR or _is_unpublished(article)
    )


def can_review(user) -> bool:
    """See the review queue, publish others' submissions or send them back with a note."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR)


def can_manage_desk(user) -> bool:
    """Sections, tags, authors' profiles and static pages."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR)


def can_manage_site(user) -> bool:
    """Users, roles and site settings."""
    return role_of(user) is Role.ADMINISTRATOR


def can_moderate(user) -> bool:
    """Readers' comments: editors and administrators moderate, as in WordPress; anyone else needs
    the explicit permission."""
    return role_of(user) in (Role.ADMINISTRATOR, Role.EDITOR) or user.has_perm(
        "comments.moderate_comment")


def can_view_article(user, article) -> bool:
    """Writers see their own pieces; the desk sees everything it reviews."""
    return can_write(user) and (can_edit_article(user, article) or can_review(user))


def allowed_statuses(user, article) -> list[str]:
    from .models import Article

    if can_publish_article(user, article):
        return [s.value for s in Article.Status]
    return [Article.Status.DRAFT.value, Article.Status.PENDING.value]


# -- policies: which rule answers each admin action on a screen ---------------------------------
ADMIN_ACTIONS = ("module", "view", "add", "change", "delete")


def article_policy(user, action, article=None) -> bool:
    """Articles: every writer has the screen; what they may do with one piece is its rule."""
    if article is None or action in ("module", "add"):
        return can_write(user)
    rule = {"view": can_view_article, "change": can_edit_article, "delete": can_delete_article}
    return rule[action](user, article)


def site_managers_policy(user, action, obj=None) -> bool:
    """Users, roles, site-wide settings, consent and the spam models: administrators only."""
    return can_manage_site(user)


def site_records_policy(user, action, obj=None) -> bool:
    """Records the software keeps for itself (background jobs, workers): administrators look,
    nobody edits."""
    return action in ("module", "view") and can_manage_site(user)


def moderators_policy(user, action, obj=None) -> bool:
    return can_moderate(user)


def desk_choices_policy(user, action, obj=None) -> bool:
    """Editorial choices attached to an article (related pins, See also): every writer sees
    them, the desk decides them."""
    return can_write(user) if action in ("module", "view") else can_review(user)


class RoleAdminMixin:
    """The one admin permission mixin: a ModelAdmin or inline names its `role_policy` (a policy
    of this module) and every has_*_permission asks it. A screen may still refuse more (a log
    nobody adds to) by overriding one method and calling super().

    `role_policy = None` leaves the screen to the role groups' model permissions
    (GROUP_PERMISSIONS above), which is what the desk's lists (sections, tags, authors, pages)
    use: Django's permission check, with the permissions this module gives each role.
    """

    role_policy = None

    def _role_permits(self, request, action, obj, fallback, *args) -> bool:
        policy = type(self).role_policy  # read through the class: a plain function, not bound
        if policy is None:
            return fallback(*args)
        return bool(policy(request.user, action, obj))

    def has_module_permission(self, request):
        return self._role_permits(request, "module", None, super().has_module_permission, request)

    def has_view_permission(self, request, obj=None):
        return self._role_permits(request, "view", obj, super().has_view_permission, request, obj)

    def has_add_permission(self, request, *parent):
        # A ModelAdmin passes the request only; an inline passes the parent object too.
        return self._role_permits(request, "add", None, super().has_add_permission, request,
                                  *parent)

    def has_change_permission(self, request, obj=None):
        return self._role_permits(request, "change", obj, super().has_change_permission, request,
                                  obj)

    def has_delete_permission(self, request, obj=None):
        return self._role_permits(request, "delete", obj, super().has_delete_permission, request,
                                  obj)
