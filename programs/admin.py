from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.admin import DepartmentAssignMixin
from infrastructure.admin_mixins import (
    FiscalYearListFilter,
    HistoryAdmin,
    ProgressRecordAdmin,
)
from infrastructure.imports.admin import ProgressImportMixin

from .models import (
    Action,
    Challenge,
    Figure,
    Initiative,
    InitiativeProgress,
    Pillar,
    Plan,
    PriorityArea,
    Section,
)
from .services import UPDATABLE_PROGRESS_FIELDS, validate_progress

# The department's help in people's words (the model's still names the plan loader).
DEPARTMENT_HELP = _("一次評価を行う課。計画担当が設定し、計画書を読み込み直しても変わりません。")


class PillarListFilter(admin.SimpleListFilter):
    title = _("施策")
    parameter_name = "pillar"

    def lookups(self, request, model_admin):
        return [(p.number, str(p)) for p in Pillar.objects.of_current_plan()]

    def queryset(self, request, queryset):
        if self.value():
            number = self.value()
            return queryset.filter(
                Q(initiative__pillar__number=number) | Q(section__pillar__number=number)
            )
        return queryset


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["title", "code", "municipality", "period_start", "period_end"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(HistoryAdmin):
    list_display = ["number", "title", "plan"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {"department": DEPARTMENT_HELP, **kwargs.get("help_texts", {})}
        return super().get_formset(request, obj, **kwargs)


@admin.register(Pillar)
class PillarAdmin(HistoryAdmin):
    list_display = ["number", "title", "theme", "plan"]
    list_filter = ["plan", "theme"]
    search_fields = ["title", "overview"]
    readonly_fields = ["plan"]  # the chapter's plan
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(DepartmentAssignMixin, HistoryAdmin):
    help_texts = {"department": DEPARTMENT_HELP}
    list_display = ["__str__", "pillar", "department"]
    list_filter = ["pillar", "department"]
    search_fields = ["title"]
    list_select_related = ["pillar", "department"]


@admin.register(Challenge)
class ChallengeAdmin(HistoryAdmin):
    list_display = ["__str__", "pillar", "section", "position", "heading"]
    list_filter = ["pillar"]
    search_fields = ["text", "heading"]
    list_select_related = ["pillar", "section__pillar"]


class ActionInline(admin.StackedInline):
    model = Action
    fk_name = "initiative"
    fields = ["position", "group", "text"]
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(DepartmentAssignMixin, HistoryAdmin):
    help_texts = {"department": DEPARTMENT_HELP}
    list_display = ["code", "title", "pillar", "section", "department"]
    list_filter = ["pillar", "department"]
    search_fields = ["code", "title", "lead", "actions__text"]
    list_select_related = ["pillar", "section__pillar", "department"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(HistoryAdmin):
    list_display = ["__str__", "initiative", "section", "position", "group"]
    list_filter = ["initiative__pillar", "section__pillar"]
    search_fields = ["text", "group"]
    list_select_related = ["initiative", "section__pillar"]


@admin.register(Figure)
class FigureAdmin(HistoryAdmin):
    list_display = ["__str__", "kind", "pillar", "section"]
    list_filter = ["kind", "pillar"]
    search_fields = ["title", "text"]
    list_select_related = ["pillar", "section__pillar"]


@admin.register(InitiativeProgress)
class InitiativeProgressAdmin(ProgressImportMixin, ProgressRecordAdmin):
    import_sheet = "initiative_progress"
    change_list_template = ProgressRecordAdmin.change_list_template
    validate_record = staticmethod(validate_progress)
    updatable_fields = UPDATABLE_PROGRESS_FIELDS
    fieldsets = [
        (None, {"fields": ["initiative", "section", "fiscal_year", "ward", "state"]}),
        (_("報告"), {"fields": ["results", "issues", "next_steps"]}),
        (_("活動の数"), {"fields": ["events_held", "participants", "trainees"]}),
        (
            _("記録"),
            {
                "fields": [
                    "source",
                    "expected_version",
                    "status",
                    "version",
                    "created_at",
                    "updated_at",
                    "transition_log",
                ]
            },
        ),
    ]
    list_display = [
        "subject_display",
        "fiscal_year_display",
        "ward_display",
        "state",
        "status",
        "updated_at",
    ]
    list_filter = ["status", FiscalYearListFilter, "ward", "state", PillarListFilter]
    search_fields = [
        "initiative__code",
        "initiative__title",
        "section__title",
        "results",
        "issues",
        "next_steps",
    ]
    list_select_related = ["initiative", "section__pillar", "ward"]
    autocomplete_fields = ["initiative", "section"]

    @admin.display(description=_("取組"), ordering="initiative__code")
    def subject_display(self, obj):
        return str(obj.subject)
