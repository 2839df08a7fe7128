from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.admin import DepartmentAssignMixin
from indicators import plausibility
from indicators import policy as indicator_policy
from infrastructure.admin_mixins import (
    FiscalYearListFilter,
    HistoryAdmin,
    ProgressRecordAdmin,
    RestrictedAdmin,
)
from infrastructure.display import EMPTY
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.forms import FiscalYearField
from infrastructure.imports.admin import ProgressImportMixin
from infrastructure.workflow import Status

from . import selectors
from .choices import ValueKind, ValueOrigin
from .models import CommonIndicator, Indicator, IndicatorValue, RatingBand, RatingRule, Target
from .rating_rules import Band, problems
from .services import (
    UPDATABLE_VALUE_FIELDS,
    rating_rule_activate,
    target_create,
    target_delete,
    validate_value,
)


def progress_year(request) -> int:
    """The fiscal year whose verdicts the indicator list shows: the one chosen in its filter,
    else the year the pages show (``selectors.default_fiscal_year``)."""
    if not hasattr(request, "progress_year"):  # asked by the filters and the list alike
        try:
            chosen = int(request.GET.get(ProgressYearFilter.parameter_name, ""))
        except ValueError:
            chosen = None
        years = selectors.reporting_years()
        request.progress_year = chosen if chosen in years else selectors.default_fiscal_year()
    return request.progress_year


class ProgressYearFilter(admin.SimpleListFilter):
    """The year of the verdict and achievement shown (no rows are left out): always one
    year, the pages' by default."""

    title = _("進捗の年度")
    parameter_name = "progress_year"

    def lookups(self, request, model_admin):
        self.shown = str(progress_year(request))
        return [(str(year), fiscal_year_label(year)) for year in selectors.reporting_years()]

    def queryset(self, request, queryset):
        return queryset

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": value == self.shown,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class BehindFilter(admin.SimpleListFilter):
    """遅れ: the indicators whose verdict for the year is behind or not achieved, computed
    for the listed indicators in one batch."""

    title = _("進捗状況")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [("behind", _("遅れ（遅れ・未達成）"))]

    def queryset(self, request, queryset):
        if self.value() != "behind":
            return queryset
        indicators = list(queryset.select_related("unit").order_by())
        found = selectors.progress_by_indicator(indicators, up_to=progress_year(request))
        return queryset.filter(pk__in=[pk for pk, progress in found.items() if progress.behind])


class ProgressChangeList(ChangeList):
    """The list, with the page's indicators' progress computed at once (a fixed number of
    queries whatever their number)."""

    def get_results(self, request):
        super().get_results(request)
        found = selectors.progress_by_indicator(self.result_list, up_to=progress_year(request))
        for indicator in self.result_list:
            indicator.progress = found.get(indicator.pk)


@admin.register(Indicator)
class IndicatorAdmin(DepartmentAssignMixin, HistoryAdmin):
    list_display = [
        "code",
        "name",
        "unit",
        "direction",
        "status_display",
        "achievement_display",
        "derivation",
        "pillar",
        "section",
        "department",
        "common",
    ]
    list_filter = [
        ProgressYearFilter,
        BehindFilter,
        "plan",
        "pillar",
        "unit",
        "direction",
        "department",
        "common",
    ]
    search_fields = ["code", "name"]
    list_select_related = ["unit", "pillar", "section__pillar", "department", "common"]
    readonly_fields = ["plan"]  # the pillar's plan

    def get_queryset(self, request):
        # The manager's select_related("unit") keeps Django's list from applying
        # list_select_related (it does so only for a queryset that selects nothing): named
        # here, or every row would fetch its pillar and section.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_changelist(self, request, **kwargs):
        return ProgressChangeList

    @admin.display(description=_("進捗状況"))
    def status_display(self, obj):
        progress = getattr(obj, "progress", None)
        if progress is None:
            return EMPTY
        return format_html(
            '<span class="progress-status progress-{}">{} {}</span>',
            progress.status,
            progress.status_mark,
            progress.status_label,
        )

    @admin.display(description=_("達成率"))
    def achievement_display(self, obj):
        progress = getattr(obj, "progress", None)
        if progress is None or progress.achievement_rate is None:
            return EMPTY
        return f"{progress.achievement_rate}%"


@admin.register(CommonIndicator)
class CommonIndicatorAdmin(RestrictedAdmin):
    """The common indicators (共通指標): everyone reads them; the installation's administrator
    keeps them. Planners map their indicators to them on the indicator's page."""

    list_display = ["code", "name", "unit", "unit_kind", "position"]
    search_fields = ["code", "name", "name_en"]


class PlausibilityFilter(admin.SimpleListFilter):
    """Records whose figure breaks a plausibility rule (妥当性チェック), for the approver."""

    title = _("妥当性チェック")
    parameter_name = "checks"

    def lookups(self, request, model_admin):
        return [("flagged", _("該当あり"))]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(pk__in=plausibility.flagged_ids(queryset))
        return queryset


class CheckedChangeList(ChangeList):
    """The list, with each record's plausibility checks computed at once for the page."""

    def get_results(self, request):
        super().get_results(request)
        found = plausibility.checks_for(self.result_list)
        for record in self.result_list:
            record.plausibility = found.get(record.pk)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ProgressImportMixin, ProgressRecordAdmin):
    import_sheet = "indicator_value"
    change_list_template = ProgressRecordAdmin.change_list_template
    validate_record = staticmethod(validate_value)
    updatable_fields = UPDATABLE_VALUE_FIELDS
    fields = [
        "indicator",
        "fiscal_year",
        "kind",
        "ward",
        "value",
        "checks_display",
        "note",
        "as_of",
        "source",
        "expected_version",
        "status",
        "origin",
        "computation_list",
        "version",
        "created_at",
        "updated_at",
        "transition_log",
    ]
    readonly_fields = [
        *ProgressRecordAdmin.readonly_fields,
        "origin",
        "computation_list",
        "value_display",
        "checks_display",
    ]
    list_display = [
        "indicator_code",
        "fiscal_year_display",
        "kind",
        "value_display",
        "ward_display",
        "status",
        "checks_display",
        "origin",
        "updated_at",
    ]
    list_filter = [
        "status",
        PlausibilityFilter,
        FiscalYearListFilter,
        "ward",
        "kind",
        ("indicator__pillar", admin.RelatedOnlyFieldListFilter),
        "origin",
    ]
    search_fields = ["indicator__code", "indicator__name", "note"]
    list_select_related = ["indicator", "ward"]
    autocomplete_fields = ["indicator"]

    def get_changeform_initial_data(self, request):
        # Wards enter actuals; a baseline is the rarer entry.
        return {"kind": ValueKind.ACTUAL, **super().get_changeform_initial_data(request)}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Shown, not edited: the figure in its indicator's decimals.
            return ["value_display" if name == "value" else name for name in fields]
        return fields

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    @admin.display(description=_("妥当性チェック"))
    def checks_display(self, obj):
        """The rules the figure breaks, with the previous figure and the change (or —)."""
        result = getattr(obj, "plausibility", None)
        if result is None and obj.pk:
            result = plausibility.check_of(obj)
        if result is None or not result.flagged:
            return EMPTY
        return format_html(
            '<span class="plausibility-flag">⚠ {}</span>',
            plausibility.in_sentences(obj, result),
        )

    @admin.action(description=_("選択した記録を承認"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        """Approve as every progress record, then name the approved ones that break a rule
        (with their reasons), so the approver sees what they let through."""
        flagged = set(plausibility.flagged_ids(queryset))
        super().approve_selected(request, queryset)
        approved = queryset.model.objects.filter(pk__in=flagged, status=Status.APPROVED)
        if approved:
            self.message_user(
                request,
                gettext("承認した記録のうち%(count)d件は妥当性チェックに該当します（理由：備考）：")
                % {"count": len(approved)}
                + " / ".join(f"{record}（{record.note}）" for record in approved),
                messages.WARNING,
            )

    @admin.display(description=_("計算の根拠"))
    def computation_list(self, obj):
        from community.admin import computation_display

        return computation_display(obj)

    @admin.display(description=_("成果指標"), ordering="indicator__code")
    def indicator_code(self, obj):
        return obj.indicator.code

    @admin.display(description=_("値"), ordering="value")
    def value_display(self, obj):
        return obj.indicator.figure_text(obj.value)


class RatingBandFormSet(forms.BaseInlineFormSet):
    """The bands are checked as a whole: one floor, one final band per group, one for no
    data (``indicators.rating_rules.problems``)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        bands = [
            Band(
                form.cleaned_data["code"],
                form.cleaned_data["label"],
                form.cleaned_data["group"],
                form.cleaned_data["use"],
                form.cleaned_data.get("minimum"),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if found := problems(bands):
            raise forms.ValidationError(found)


class RatingBandInline(admin.TabularInline):
    model = RatingBand
    formset = RatingBandFormSet
    fields = ["position", "code", "label", "label_en", "group", "use", "minimum"]
    extra = 0


@admin.register(RatingRule)
class RatingRuleAdmin(HistoryAdmin):
    list_display = ["rule_label", "name", "is_active"]
    fields = ["name", "label", "label_en", "is_active"]
    readonly_fields = ["name", "is_active"]  # a preset; activation is an action
    inlines = [RatingBandInline]
    actions = ["activate"]

    def has_add_permission(self, request):
        return False  # the presets come with the migrations

    @admin.display(description=_("名称"), ordering="label")
    def rule_label(self, obj):
        return obj.display_label  # in the admin's language: the English name in English

    @admin.action(description=_("選んだ評価基準を使用する"), permissions=["change"])
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("評価基準を1つだけ選んでください。"), level="error")
            return
        rule = queryset.get()
        try:
            rating_rule_activate(user=request.user, rule=rule)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level="error")
            return
        self.message_user(request, _("「%(rule)s」を使用中にしました。") % {"rule": rule})


class TargetForm(forms.ModelForm):
    """A new target: the admin's door to ``target_create``, which checks and saves it."""

    fiscal_year = FiscalYearField(label=_("目標年度"))
    revised_in = FiscalYearField(
        label=_("見直した年度"),
        required=False,
        help_text=_("この目標値を定めた年度。空欄は当初の目標値（計画書にないときだけ）。"),
    )

    class Meta:
        model = Target
        fields = ["indicator", "ward", "fiscal_year", "value", "revised_in", "reason", "note"]

    user = None  # set per request (TargetAdmin.get_form)

    def save(self, commit=True):
        # The form has run the model's checks (by field); target_create checks the role,
        # runs them again and saves, in one transaction.
        data = self.cleaned_data
        self.instance = target_create(
            user=self.user,
            indicator=data["indicator"],
            ward=data.get("ward"),
            fiscal_year=data["fiscal_year"],
            value=data["value"],
            revised_in=data.get("revised_in"),
            reason=data.get("reason", ""),
            note=data.get("note", ""),
        )
        return self.instance

    def save_m2m(self):
        pass


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    """Targets (目標値) and their revisions. A planner adds a revision as a new target; an
    earlier target is never edited (its page is read-only), so every figure once in force
    stays on record. The plan's own targets are load_plan's."""

    form = TargetForm
    list_display = [
        "indicator_code",
        "ward_display",
        "fiscal_year_display",
        "value_display",
        "revision_display",
        "reason",
        "set_by",
        "set_at",
        "origin",
    ]
    list_filter = [("indicator__pillar", admin.RelatedOnlyFieldListFilter), "origin", "ward"]
    search_fields = ["indicator__code", "indicator__name", "reason"]
    list_select_related = ["indicator", "ward", "set_by"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["origin", "set_by", "set_at"]

    class Media:
        js = ["js/admin-a11y.js"]  # names the autocomplete's combobox (WCAG 4.1.2)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a target once set is not changed: revise it with a new one
            return self._shown_fields()
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return TargetForm.Meta.fields
        return self._shown_fields()

    def _shown_fields(self) -> list[str]:
        # The figure in its indicator's decimals (79.1), not the database's 79.1000.
        fields = ["value_display" if f == "value" else f for f in TargetForm.Meta.fields]
        return [*fields, "as_of", "source", *self.readonly_fields]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _sets_targets(request.user)

    def has_change_permission(self, request, obj=None):
        # Opening a saved target shows it read-only; nothing on it can be saved.
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj) and _sets_targets(request.user)
        return allowed and (obj is None or obj.origin != ValueOrigin.PLAN)

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied(
                _("設定済みの目標値は変更できません。見直しは新しい目標値として追加します。")
            )
        # TargetForm.save already recorded it through target_create.

    def delete_model(self, request, obj):
        target_delete(user=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            target_delete(user=request.user, target=target)

    @admin.display(description=_("成果指標"), ordering="indicator__code")
    def indicator_code(self, obj):
        return obj.indicator.code

    @admin.display(description=_("目標年度"), ordering="fiscal_year")
    def fiscal_year_display(self, obj):
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description=_("目標値"), ordering="value")
    def value_display(self, obj):
        return obj.indicator.figure_text(obj.value)

    @admin.display(description=_("見直した年度"), ordering="revised_in")
    def revision_display(self, obj):
        return _("当初") if obj.revised_in is None else fiscal_year_label(obj.revised_in)


def _sets_targets(user) -> bool:
    try:
        indicator_policy.check_sets_targets(user)
    except PermissionDenied:
        return False
    return True
