from django.contrib import admin

from .models import OrganisationType, SchoolDistrict, StaffProfile, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code"]


@admin.register(SchoolDistrict)
class SchoolDistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "ward"]
    list_filter = ["ward"]
    search_fields = ["name", "code"]
    list_select_related = ["ward"]


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "ward"]
    list_filter = ["ward"]
    list_select_related = ["user", "ward"]
