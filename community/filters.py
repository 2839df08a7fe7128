"""One FilterSet per list of the community's records, for the API (and HTML lists)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_noop

from infrastructure.filters import FiscalYearFilter, ProgressRecordFilter

from .areas import area_text
from .choices import HealthTownPlanningStage, Origin
from .models import CommunityResource, HealthTownPlanningRecord, SchoolDistrict, VolunteerHeadcount
from .selectors import UnknownWardError, ward_named

WARD_HELP = (
    "The ward: its code, its own 全国地方公共団体コード (six digits) or its name, alike "
    "(GET wards/ lists them). An unknown one is a 400 naming the parameter."
)


class WardField(forms.CharField):
    """A ward as ``ward_named`` reads it; an unknown one is this field's error."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return ward_named(value)
        except UnknownWardError as error:
            # The text as a parameter, not inside the message: django-filter formats the
            # message with its params, and a "%" someone typed must not break that.
            raise forms.ValidationError(
                area_text(gettext_noop("%(area)s「%(value)s」はありません。")),
                code="invalid_choice",
                params={"value": error.text},
            ) from error


class WardFilter(django_filters.CharFilter):
    """The records of a ward named as ``community.selectors.ward_named`` reads it: the one
    ward filter of every list (a 400 naming the parameter for a ward no one has)."""

    field_class = WardField

    def __init__(self, *args, help_text: str = WARD_HELP, **kwargs):
        super().__init__(*args, help_text=help_text, **kwargs)

    def filter(self, qs, value):
        return qs if value is None else qs.filter(**{self.field_name: value})


class WardRecordFilter(ProgressRecordFilter):
    """The filters of a progress record kept per ward or city-wide: the shared ones, with
    the ward read by the one rule."""

    ward = WardFilter(field_name="ward")


class SchoolDistrictFilter(django_filters.FilterSet):
    ward = WardFilter(field_name="ward")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = SchoolDistrict
        fields = []


class CommunityResourceFilter(django_filters.FilterSet):
    ward = WardFilter(field_name="ward")
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
    ward = WardFilter(field_name="school_district__ward")
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
    ward = WardFilter(field_name="ward")
    city_wide = django_filters.BooleanFilter(field_name="ward", lookup_expr="isnull")
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    health_volunteer = django_filters.BooleanFilter(field_name="program__health_volunteer")

    class Meta:
        model = VolunteerHeadcount
        fields = []
