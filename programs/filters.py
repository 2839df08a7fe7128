import django_filters

from community.filters import WardRecordFilter
from programs.choices import ProgressState

from .models import InitiativeProgress


class InitiativeProgressFilter(WardRecordFilter):
    initiative = django_filters.CharFilter(field_name="initiative__code", help_text="e.g. 1-2-1")
    pillar = django_filters.NumberFilter(method="filter_pillar")
    state = django_filters.ChoiceFilter(choices=ProgressState.choices)

    class Meta:
        model = InitiativeProgress
        fields = []

    def filter_pillar(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(initiative__pillar__number=value) | Q(section__pillar__number=value)
        )
