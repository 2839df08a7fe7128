from django.contrib import admin

from kumamoto_welfare.admin_mixins import ScopedReadOnlyAdmin

from .models import Indicator, IndicatorValue, IndicatorValueTransition, RatingBand, RatingScale


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "pillar", "section"]
    list_filter = ["pillar", "unit", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["pillar", "section__pillar"]


class IndicatorValueTransitionInline(admin.TabularInline):
    model = IndicatorValueTransition
    fields = ["at", "transition", "from_status", "to_status", "user", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedReadOnlyAdmin):
    list_display = ["indicator", "fiscal_year", "kind", "value", "ward", "status", "origin"]
    list_filter = ["status", "kind", "ward", "fiscal_year", "origin", "indicator__pillar"]
    search_fields = ["indicator__code", "indicator__name", "note"]
    list_select_related = ["indicator", "ward"]
    inlines = [IndicatorValueTransitionInline]


class RatingBandInline(admin.TabularInline):
    model = RatingBand
    fields = ["code", "label", "min_pace"]
    extra = 0


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [RatingBandInline]
