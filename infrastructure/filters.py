"""Filters every app's lists share: fiscal years as people write them, and the fields of a
progress record (city-wide, year, status)."""

import django_filters
from django.core.exceptions import ValidationError

from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year
from infrastructure.workflow import Status


class FiscalYearFilter(django_filters.CharFilter):
    """A fiscal year in any form people write (2013, H25, 平成25年度 …)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        try:
            year = parse_fiscal_year(value)
        except FiscalYearError as error:
            raise ValidationError({self.field_name: str(error)}) from error
        return super().filter(qs, year)


class ProgressRecordFilter(django_filters.FilterSet):
    """Filters common to progress records. The ``ward`` filter is the community app's
    (``community.filters.WardRecordFilter``): what names a ward is that app's rule."""

    city_wide = django_filters.BooleanFilter(
        field_name="ward", lookup_expr="isnull", help_text="true: city-wide records only."
    )
    fiscal_year = FiscalYearFilter(field_name="fiscal_year")
    fiscal_year_from = FiscalYearFilter(field_name="fiscal_year", lookup_expr="gte")
    fiscal_year_to = FiscalYearFilter(field_name="fiscal_year", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=Status.choices)
