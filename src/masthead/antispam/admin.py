from django.contrib import admin, messages

from masthead.newsroom import roles

from . import store
from .models import SpamModelVersion


def warn_if_model_unreadable(request) -> None:
    """A warning on the moderators' pages while the stored spam model cannot be used: until it
    is replaced, every new comment waits in Pending."""
    problem = store.model_problem()
    if problem:
        messages.warning(request, f"The spam filter is not working: {problem}. Until then every "
                                  "new comment waits in Pending.")


@admin.register(SpamModelVersion)
class SpamModelVersionAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    """What the spam filter has learned, version by version (read-only: it learns by itself)."""

    role_policy = roles.site_managers_policy

    list_display = ["version", "source", "trained_on", "created_at", "note"]
    exclude = ["data"]
    readonly_fields = ["version", "source", "trained_on", "created_at", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        warn_if_model_unreadable(request)
        return super().changelist_view(request, extra_context)
