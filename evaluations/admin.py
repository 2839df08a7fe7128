"""The admin of evaluations (施策評価): entry, the workflow's actions, history, import and
export of the 評価シート, by the same rules as the API (``infrastructure.policy``)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community import access
from infrastructure.admin_mixins import FiscalYearListFilter, ProgressRecordAdmin
from infrastructure.imports.admin import ProgressImportMixin
from programs.models import Pillar

from .models import Evaluation
from .resources import EVALUATION
from .selectors import RELATED
from .services import UPDATABLE_EVALUATION_FIELDS, validate_evaluation


class PillarListFilter(admin.SimpleListFilter):
    title = _("施策")
    parameter_name = "pillar"

    def lookups(self, request, model_admin):
        return [(p.number, str(p)) for p in Pillar.objects.of_current_plan()]

    def queryset(self, request, queryset):
        if self.value():
            number = self.value()
            return queryset.filter(
                Q(pillar__number=number)
                | Q(section__pillar__number=number)
                | Q(initiative__pillar__number=number)
            )
        return queryset


@admin.register(Evaluation)
class EvaluationAdmin(ProgressImportMixin, ProgressRecordAdmin):
    import_sheet = EVALUATION
    change_list_template = ProgressRecordAdmin.change_list_template
    validate_record = staticmethod(validate_evaluation)
    updatable_fields = UPDATABLE_EVALUATION_FIELDS
    fieldsets = [
        (None, {"fields": ["fiscal_year", "pillar", "section", "initiative", "stage"]}),
        (
            _("評価"),
            {"fields": ["rating", "results", "analysis", "issues", "direction", "comment"]},
        ),
        (
            _("記録"),
            {
                "fields": [
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
        "stage",
        "rating",
        "direction",
        "department_display",
        "status",
        "updated_at",
    ]
    list_filter = ["status", FiscalYearListFilter, "stage", "direction", PillarListFilter]
    search_fields = [
        "section__title",
        "initiative__code",
        "initiative__title",
        "results",
        "analysis",
        "issues",
        "comment",
    ]
    list_select_related = RELATED

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The current plan's items; a department officer's own department's only, and no
        pillar (a pillar's evaluation is the planners')."""
        if db_field.name in ("pillar", "section", "initiative"):
            model = db_field.related_model
            plan_lookup = "plan" if db_field.name == "pillar" else "pillar__plan"
            queryset = model.objects.filter(
                **{f"{plan_lookup}__in": Pillar.objects.of_current_plan().values("plan")}
            )
            if not access.works_city_wide(request.user):
                department = access.department_of(request.user)
                queryset = (
                    queryset.none()
                    if db_field.name == "pillar" or department is None
                    else queryset.filter(department=department)
                )
            if db_field.name != "pillar":
                queryset = queryset.select_related("pillar")
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("評価する項目"))
    def subject_display(self, obj):
        return str(obj.subject)

    @admin.display(description=_("所管課"))
    def department_display(self, obj):
        department = obj.department
        return department.name if department else "—"
