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


def plan_reach() -> tuple[int, int] | None:
    """The fiscal years progress can be reported for: the plan's period where the plan
    states it, else the span of the plan's own indicator years (baseline to last target)."""
    from django.db.models import Max, Min

    from indicators.choices import ValueOrigin

    from .models import Plan

    plan = Plan.objects.first()
    if plan and plan.period_start and plan.period_end:
        return plan.period_start, plan.period_end
    span = IndicatorValue.objects.filter(origin=ValueOrigin.PLAN).aggregate(
        first=Min("fiscal_year"), last=Max("fiscal_year")
    )
    if span["first"] is None:
        return None
    return span["first"], span["last"]
