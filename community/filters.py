"""One FilterSet per list of the community's records, for the API (and HTML lists)."""

import django_filters
from django.db.models import Q

from infrastructure.filters import FiscalYearFilter

from .choices import HealthTownPlanningStage, Origin
from .models import CommunityResource, HealthTownPlanningRecord, SchoolDistrict, VolunteerHeadcount


def _ward(queryset, name, value):
    return queryset.filter(Q(**{f"{name}__name": value}) | Q(**{f"{name}__code": value}))


class WardFilter(django_filters.CharFilter):
    """A ward by its name or its code, as the data files give them."""

    def filter(self, qs, value):
        return qs if value in (None, "") else _ward(qs, self.field_name, value)


class SchoolDistrictFilter(django_filters.FilterSet):
    ward = WardFilter(field_name="ward", help_text="Ward name or code.")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = SchoolDistrict
        fields = []


class CommunityResourceFilter(django_filters.FilterSet):
    ward = WardFilter(field_name="ward", help_text="Ward name or code.")
    city_wide = django_filters.BooleanFilter(field_name="ward", lookup_expr="isnull")
    school_district = django_filters.CharFilter(field_name="school_district__code")
    organisation_type = django_filters.CharFilter(
        field_name="organisation_type__code", help_text="e.g. seniors-club"
    )
    life_stage = django_filters.CharFilter(
        method="filter_life_stage", help_text="Code or name: old-age, 高齢期 …"
    )
    pillar = django_filters.NumberFilter(field_name="pillars__number", distinct=True)
    consultation = django_filters.BooleanFilter()
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = CommunityResource
        fields = []

    def filter_life_stage(self, queryset, name, value):
        return queryset.filter(Q(life_stages__code=value) | Q(life_stages__name=value)).distinct()


class HealthTownPlanningFilter(django_filters.FilterSet):
    ward = WardFilter(field_name="school_district__ward", help_text="Ward name or code.")
    school_district = django_filters.CharFilter(field_name="school_district__code")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    stage = django_filters.ChoiceFilter(choices=HealthTownPlanningStage.choices)
    stage_min = django_filters.NumberFilter(
        field_name="stage", lookup_expr="gte", help_text="6: 活動の展開 or later (KPI-4-1)."
    )

    class Meta:
        model = HealthTownPlanningRecord
        fields = []


class VolunteerHeadcountFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__code")
    ward = WardFilter(field_name="ward", help_text="Ward name or code.")
    city_wide = django_filters.BooleanFilter(field_name="ward", lookup_expr="isnull")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    health_volunteer = django_filters.BooleanFilter(field_name="program__health_volunteer")

    class Meta:
        model = VolunteerHeadcount
        fields = []
