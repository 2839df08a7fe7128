"""Reads of the plan shared by the pages (and, later, the API)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from indicators.models import Indicator, IndicatorValue

from .models import Pillar


def pillars_with_indicators() -> QuerySet[Pillar]:
    """Every pillar with its sections and indicators (with their plan values) prefetched:
    a constant number of queries, whatever the size of the plan."""
    return Pillar.objects.prefetch_related(
        "sections",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("section__pillar").prefetch_related(
                Prefetch(
                    "values",
                    queryset=IndicatorValue.objects.filter(ward__isnull=True).order_by(
                        "fiscal_year"
                    ),
                )
            ),
        ),
    )
