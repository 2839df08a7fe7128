"""A test-only admin site with the import mixin on both progress models, so the views are
tested by URL without depending on how the project's admin registers them."""

from django.contrib import admin
from django.urls import path

from indicators.models import IndicatorValue
from kumamoto_welfare.imports.admin import ProgressImportMixin
from programs.models import InitiativeProgress

site = admin.AdminSite(name="admin")


@admin.register(IndicatorValue, site=site)
class IndicatorValueAdmin(ProgressImportMixin, admin.ModelAdmin):
    import_sheet = "indicator_value"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(InitiativeProgress, site=site)
class InitiativeProgressAdmin(ProgressImportMixin, admin.ModelAdmin):
    import_sheet = "initiative_progress"


urlpatterns = [path("admin/", site.urls)]
