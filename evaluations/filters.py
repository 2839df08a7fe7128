"""The evaluations' FilterSet, shared by the API and the admin's export."""

import django_filters
from django.db.models import Q

from infrastructure.filters import FiscalYearFilter
from infrastructure.workflow import Status

from .choices import Direction, EvaluationStage
from .models import Evaluation


class EvaluationFilter(django_filters.FilterSet):
    fiscal_year = FiscalYearFilter(field_name="fiscal_year", help_text="2016, H28, 平成28年度 …")
    pillar = django_filters.NumberFilter(
        method="filter_pillar",
        help_text="Pillar number: the pillar's, its sections' and initiatives' evaluations.",
    )
    stage = django_filters.ChoiceFilter(choices=EvaluationStage.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Evaluation
        fields = []

    def filter_pillar(self, queryset, name, value):
        return queryset.filter(
            Q(pillar__number=value)
            | Q(section__pillar__number=value)
            | Q(initiative__pillar__number=value)
        )
