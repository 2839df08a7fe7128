"""Reads of the plan shared by the pages (and, later, the API)."""

from __future__ import annotations

from indicators.models import IndicatorValue


def plan_reach() -> tuple[int, int] | None:
    """The fiscal years progress can be reported for: the plan's period where the plan
    states it, else the span of the plan's own indicator years (baseline to last target);
    either way extended to the latest target year, a revised one included."""
    from django.db.models import Max, Min

    from indicators.choices import ValueOrigin
    from indicators.models import Target

    from .models import Plan

    targets = Target.objects.aggregate(last=Max("fiscal_year"))["last"]
    plan = Plan.objects.first()
    if plan and plan.period_start and plan.period_end:
        return plan.period_start, max(plan.period_end, targets or plan.period_end)
    span = IndicatorValue.objects.filter(origin=ValueOrigin.PLAN).aggregate(
        first=Min("fiscal_year"), last=Max("fiscal_year")
    )
    years = [y for y in (span["first"], span["last"], targets) if y is not None]
    if not years:
        return None
    return min(years), max(years)
