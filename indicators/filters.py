"""One FilterSet per list, shared by the API and (later) the HTML lists."""

import django_filters

from community.filters import WardRecordFilter

from .choices import ValueKind
from .models import IndicatorValue


class IndicatorValueFilter(WardRecordFilter):
    indicator = django_filters.CharFilter(field_name="indicator__code", help_text="e.g. KPI-1-1")
    pillar = django_filters.NumberFilter(field_name="indicator__pillar__number")
    kind = django_filters.ChoiceFilter(choices=ValueKind.choices)

    class Meta:
        model = IndicatorValue
        fields = []
