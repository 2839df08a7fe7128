"""Admin for reporting rounds (planners set the deadlines) and the reminders sent, which
are a record and read-only. Registered from IndicatorsConfig.ready()."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext

from infrastructure.admin_mixins import ReadOnlyAdmin, RestrictedAdmin

from .models import Reminder, ReportingRound


class ReminderInline(admin.TabularInline):
    model = Reminder
    fields = ["kind", "recipient", "ward", "email", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(RestrictedAdmin):
    list_display = ["fiscal_year", "deadline", "lead_days", "created_at"]
    fields = ["fiscal_year", "deadline", "reminder_lead_days"]
    inlines = [ReminderInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The default in days, not the name of the setting that holds it.
        lead = gettext("締切の何日前から催促するか。空欄なら%(days)s日前から。") % {
            "days": settings.REMINDER_LEAD_DAYS
        }
        kwargs["help_texts"] = {"reminder_lead_days": lead, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "round", "kind", "recipient", "ward", "email", "subject"]
    list_filter = ["kind", "round", "ward"]
    readonly_fields = [
        "round",
        "kind",
        "recipient",
        "ward",
        "email",
        "subject",
        "body",
        "sent_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round", "recipient", "ward")
