"""Reads of the plan shared by the pages (and, later, the API)."""

from __future__ import annotations

from indicators.models import IndicatorValue


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
