from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kumamoto_welfare.admin_mixins import (
    FiscalYearListFilter,
    HistoryAdmin,
    ProgressRecordAdmin,
)
from kumamoto_welfare.imports.admin import ProgressImportMixin

from .models import Indicator, IndicatorValue, RatingBand, RatingScale
from .services import UPDATABLE_VALUE_FIELDS, validate_value


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["code", "name", "unit", "direction", "derivation", "pillar", "section"]
    list_filter = ["plan", "pillar", "unit", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["pillar", "section__pillar"]
    readonly_fields = ["plan"]  # the pillar's plan


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
    readonly_fields = [*ProgressRecordAdmin.readonly_fields, "origin", "computation_list"]
    list_display = [
        "indicator_code",
        "fiscal_year_display",
        "kind",
        "value_display",
        "ward_display",
        "status",
        "origin",
        "updated_at",
    ]
    list_filter = [
        "status",
        FiscalYearListFilter,
        "ward",
        "kind",
        ("indicator__pillar", admin.RelatedOnlyFieldListFilter),
        "origin",
    ]
    search_fields = ["indicator__code", "indicator__name", "note"]
    list_select_related = ["indicator", "ward"]
    autocomplete_fields = ["indicator"]

    @admin.display(description=_("計算の根拠"))
    def computation_list(self, obj):
        from community.admin import computation_display

        return computation_display(obj)

    @admin.display(description=_("成果指標"), ordering="indicator__code")
    def indicator_code(self, obj):
        return obj.indicator.code

    @admin.display(description=_("値"), ordering="value")
    def value_display(self, obj):
        return f"{obj.value.normalize():f}"


class RatingBandInline(admin.TabularInline):
    model = RatingBand
    fields = ["code", "label", "min_pace"]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(HistoryAdmin):
    list_display = ["name", "is_active"]
    inlines = [RatingBandInline]
