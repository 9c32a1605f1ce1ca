"""Jobs in the admin: every job with its state, attempts and error, filterable by state (Failed
is one click), and the workers that are running now. Everything is read-only: jobs change only by
running."""

from django.contrib import admin
from django.utils import timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from masthead.newsroom import roles

from .models import WorkerHeartbeat

# django-tasks-db registers its own admin on import; ours replaces it on the project's site.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class JobAdmin(roles.RoleAdminMixin, DBTaskResultAdmin):
    role_policy = roles.site_records_policy
    list_display = ("task_name", "status", "attempts", "error", "enqueued_at", "started_at",
                    "finished_at", "display_run_after", "queue_name")
    list_display_links = ("task_name",)
    list_filter = ("status", "queue_name", "task_path")
    search_fields = ("task_path", "exception_class_path", "traceback")
    date_hierarchy = "enqueued_at"

    @admin.display(description="attempts")
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)

    @admin.display(description="error")
    def error(self, obj: DBTaskResult) -> str:
        """The last attempt's exception, in one line (the whole traceback is on the job's page)."""
        if not obj.exception_class_path:
            return ""
        lines = [line for line in obj.traceback.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else obj.exception_class_path.rsplit(".", 1)[-1]


@admin.register(WorkerHeartbeat)
class WorkerAdmin(roles.RoleAdminMixin, admin.ModelAdmin):
    role_policy = roles.site_records_policy
    list_display = ("worker_id", "host", "pid", "started_at", "seen_at", "seconds_since_seen")
    readonly_fields = ("worker_id", "host", "pid", "started_at", "seen_at")

    @admin.display(description="last seen (s ago)")
    def seconds_since_seen(self, obj: WorkerHeartbeat) -> int:
        return int((timezone.now() - obj.seen_at).total_seconds())
