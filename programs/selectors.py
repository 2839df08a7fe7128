"""Reads of the plan shared by the pages (and, later, the API)."""

from __future__ import annotations

from indicators.models import IndicatorValue


def plan_reach() -> tuple[int, int] | None:
    """The fiscal years progress can be reported for: the plan's period where the plan
    states it, else the span of the plan's own indicator years (baseline to last target);
    either way extended to the latest target year, a revised one included."""
    from django.db.models import Max, Min, Subquery

    from indicators.choices import ValueOrigin
    from indicators.models import Target

    from .models import Plan

    plan = Plan.objects.first()
    if plan and plan.period_start and plan.period_end:
        targets = Target.objects.aggregate(last=Max("fiscal_year"))["last"]
        return plan.period_start, max(plan.period_end, targets or plan.period_end)
    last_target = Target.objects.order_by("-fiscal_year").values("fiscal_year")[:1]
    span = IndicatorValue.objects.filter(origin=ValueOrigin.PLAN).aggregate(
        first=Min("fiscal_year"), last=Max("fiscal_year"), target=Max(Subquery(last_target))
    )
    years = [y for y in (span["first"], span["last"], span["target"]) if y is not None]
    if not years:
        return None
    return min(years), max(years)
