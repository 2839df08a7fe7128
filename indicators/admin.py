from django.contrib import admin

from .models import Indicator, IndicatorValue


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    fields = ["fiscal_year", "kind", "value", "ward", "as_of", "note", "origin"]
    readonly_fields = ["origin"]
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "pillar", "section"]
    list_filter = ["pillar", "unit", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["pillar", "section__pillar"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "fiscal_year", "kind", "value", "ward", "origin"]
    list_filter = ["kind", "ward", "fiscal_year", "origin", "indicator__pillar"]
    search_fields = ["indicator__code", "indicator__name", "note"]
    list_select_related = ["indicator", "ward"]
    readonly_fields = ["origin"]
