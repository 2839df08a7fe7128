"""Admin for the stored annual reports: download links with the generation time, and
(re)generation for planners, through ``portal.annual_reports``; and the notification mails
sent (``portal.notifications``), read-only. Registered from PortalConfig.ready()."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from infrastructure.admin_mixins import ReadOnlyAdmin, RestrictedAdmin
from portal.annual_reports import annual_report_request, may_request_reports, report_is_stale
from portal.models import SentMail
from programs.models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(RestrictedAdmin):
    list_display = ["fiscal_year", "status", "generated_at", "stale", "downloads"]
    fields = ["fiscal_year", "status", "generated_at", "stale", "downloads", "job", "error"]
    readonly_fields = ["status", "generated_at", "stale", "downloads", "job", "error"]
    actions = ["regenerate"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "fiscal_year"] if obj else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return may_request_reports(request.user) and super().has_add_permission(request)

    @admin.display(description=_("作成後に承認されたデータ"), boolean=True)
    def stale(self, report):
        return report_is_stale(report) if report.generated_at else None

    @admin.display(description=_("ダウンロード"))
    def downloads(self, report):
        if not report.generated_at:
            return "—"
        return format_html(
            '<a href="{}">xlsx</a> / <a href="{}">HTML</a> / <a href="{}">PDF</a>',
            reverse("report-file", args=[report.fiscal_year, "xlsx"]),
            reverse("report-file", args=[report.fiscal_year, "html"]),
            reverse("report-file", args=[report.fiscal_year, "pdf"]),
        )

    def save_model(self, request, obj, form, change):
        # The service makes (or reuses) the row and queues the job.
        report = annual_report_request(fiscal_year=obj.fiscal_year, user=request.user)
        obj.pk = report.pk

    @admin.action(description=_("選択した年度の報告書を作り直す"))
    def regenerate(self, request, queryset):
        try:
            for report in queryset:
                annual_report_request(fiscal_year=report.fiscal_year, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(
                request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR
            )
            return
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d件の報告書の作成を依頼しました。",
                "%(count)d件の報告書の作成を依頼しました。",
                count,
            )
            % {"count": count},
        )


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    """Who was told what, and when: read-only, as the reporting reminders' (the rows are
    written by the sending alone)."""

    list_display = ["sent_at", "recipient", "email", "subject"]
    search_fields = ["subject", "email", "recipient__username"]
    date_hierarchy = "sent_at"
    readonly_fields = ["sent_at", "recipient", "email", "subject", "body", "key"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient")
