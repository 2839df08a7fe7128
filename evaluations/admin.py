"""The admin of evaluations (施策評価): entry, the workflow's actions, history, import and
export of the 評価シート, by the same rules as the API (``infrastructure.policy``)."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import access
from indicators.rating_labels import rating_label
from indicators.selectors import active_rule
from infrastructure import policy
from infrastructure.admin_mixins import FiscalYearListFilter, HistoryAdmin, ProgressRecordAdmin
from infrastructure.display import EMPTY
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.imports.admin import ProgressImportMixin
from programs.models import Pillar

from .choices import EvaluationStage
from .models import CommitteeMeeting, Evaluation, EvaluationYear
from .resources import EVALUATION
from .selectors import RELATED, subject_indicators
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


def rating_choices(current: str = "") -> list[tuple[str, str]]:
    """The active rating rule's ratings (code and label), and a saved rating the rule no
    longer has (so that opening an old evaluation does not change it unseen)."""
    choices = [("", "---------")]
    for band in active_rule().bands:
        if band.code not in {code for code, _label in choices}:
            choices.append((band.code, f"{band.code} {rating_label(band.label, band.label_en)}"))
    if current and current not in {code for code, _label in choices}:
        choices.append((current, current))
    return choices


def writable_stages(user) -> list[str]:
    """The stages the user may write: those the policy's choices leave them, else every
    stage their role may create evaluations of."""
    if not policy.may(user, policy.CREATE, Evaluation):
        return []
    limited = policy.choices(user, Evaluation, "stage", EvaluationStage.values)
    return list(EvaluationStage.values) if limited is None else list(limited)


def _figure(indicator, point) -> str:
    if point is None:
        return EMPTY
    return gettext("%(figure)s（%(year)s）") % {
        "figure": indicator.figure_text(point.value),
        "year": fiscal_year_label(point.fiscal_year),
    }


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
            {
                "fields": [
                    "indicators_table",
                    "rating",
                    "results",
                    "analysis",
                    "issues",
                    "direction",
                    "comment",
                ]
            },
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
    readonly_fields = [*ProgressRecordAdmin.readonly_fields, "indicators_table"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "rating" in form.base_fields:
            # The active rule's ratings to choose from; the model's ``clean`` still checks the
            # code on the server, as every door does.
            current = obj.rating if obj is not None else ""
            form.base_fields["rating"].widget = forms.Select(choices=rating_choices(current))
        if "stage" in form.base_fields:
            # Offered: only the stages the user may write (a department officer: the 一次評価).
            # The field still takes every stage, so that the policy, not the form, refuses
            # another and says why.
            field = form.base_fields["stage"]
            writable = writable_stages(request.user)
            field.widget.choices = [
                (value, label) for value, label in field.choices if not value or value in writable
            ]
        return form

    @admin.display(description=_("成果指標"))
    def indicators_table(self, obj):
        """The evaluated item's indicators with their figures and verdicts for the year."""
        if obj is None or not obj.pk:
            return gettext("保存すると、評価する項目の成果指標が表示されます。")
        rows = subject_indicators(obj)
        if not rows:
            return EMPTY
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (gettext(h),)
                for h in ("指標コード", "名称", "最新の実績値", "目標値", "進捗状況", "達成率")
            ),
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    indicator.code,
                    indicator.name,
                    _figure(indicator, progress.latest_actual),
                    _figure(indicator, progress.target),
                    f"{progress.status_mark} {progress.status_label}",
                    EMPTY if progress.achievement_rate is None else f"{progress.achievement_rate}%",
                )
                for indicator, progress in rows
            ),
        )
        return format_html(
            '<table class="evaluation-indicators"><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            head,
            body,
        )

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


class CommitteeMeetingInline(admin.TabularInline):
    model = CommitteeMeeting
    fields = ["held_on", "note"]
    extra = 1


@admin.register(EvaluationYear)
class EvaluationYearAdmin(HistoryAdmin):
    """The year's external committee and its meetings, for the report's introduction."""

    list_display = ["year_display", "committee_name", "plan"]
    list_filter = ["plan"]
    inlines = [CommitteeMeetingInline]

    @admin.display(description=_("年度"), ordering="fiscal_year")
    def year_display(self, obj):
        return fiscal_year_label(obj.fiscal_year)
