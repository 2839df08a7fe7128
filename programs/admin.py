from django.contrib import admin

from kumamoto_welfare.admin_mixins import ScopedReadOnlyAdmin

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


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "period_start", "period_end"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "theme"]
    list_filter = ["theme"]
    search_fields = ["title", "overview"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pillar"]
    list_filter = ["pillar"]
    search_fields = ["title"]
    list_select_related = ["pillar"]


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
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
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "pillar", "section"]
    list_filter = ["pillar"]
    search_fields = ["code", "title", "lead", "actions__text"]
    list_select_related = ["pillar", "section__pillar"]
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "initiative", "section", "position", "group"]
    list_filter = ["initiative__pillar", "section__pillar"]
    search_fields = ["text", "group"]
    list_select_related = ["initiative", "section__pillar"]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "pillar", "section"]
    list_filter = ["kind", "pillar"]
    search_fields = ["title", "text"]
    list_select_related = ["pillar", "section__pillar"]


@admin.register(InitiativeProgress)
class InitiativeProgressAdmin(ScopedReadOnlyAdmin):
    list_display = ["__str__", "fiscal_year", "ward", "state", "status"]
    list_filter = ["status", "state", "ward", "fiscal_year"]
    search_fields = ["initiative__code", "initiative__title", "results"]
    list_select_related = ["initiative", "section__pillar", "ward"]
