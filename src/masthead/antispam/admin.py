from django.contrib import admin

from .models import SpamModelVersion


@admin.register(SpamModelVersion)
class SpamModelVersionAdmin(admin.ModelAdmin):
    """What the spam filter has learned, version by version (read-only: it learns by itself)."""

    list_display = ["version", "source", "trained_on", "created_at", "note"]
    exclude = ["data"]
    readonly_fields = ["version", "source", "trained_on", "created_at", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
