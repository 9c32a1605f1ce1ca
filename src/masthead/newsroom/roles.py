"""Newsroom roles, as newsrooms and WordPress users know them, and what each may do.

Every rule lives here, as one small function per action, and the admin asks these functions
rather than checking roles itself, so the server enforces the same matrix the tests check.

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


def allowed_statuses(user, article) -> list[str]:
    from .models import Article

    if can_publish_article(user, article):
        return [s.value for s in Article.Status]
    return [Article.Status.DRAFT.value, Article.Status.PENDING.value]
