"""Jobs in the admin, read-only: what runs, its progress, and what could not be queued.
A job's page is its status page (it reloads itself while the job is unfinished)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from infrastructure.admin_mixins import ReadOnlyAdmin

from .models import Job, WorkerHeartbeat


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "status", "progress", "user", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [
        "kind",
        "user",
        "status",
        "progress",
        "params",
        "result",
        "error",
        "attempts",
        "enqueued_at",
        "enqueue_error",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/jobs/job/change_form.html"

    def get_queryset(self, request):
        # One's own jobs (e.g. large imports); planners' and admins' all (the policy).
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("進捗"))
    def progress(self, job):
        if job.total is None:
            return f"{job.done}"
        return format_html(
            '<progress max="{}" value="{}">{}%</progress> {} / {}',
            job.total,
            job.done,
            job.percent,
            job.done,
            job.total,
        )


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["hostname", "seen_at"]
