"""Reads of evaluations shared by the doors (the council report, the pages, the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from infrastructure.workflow import Status

from .models import Evaluation

if TYPE_CHECKING:
    from programs.models import Plan

#: What a list of evaluations shows, fetched with it (no query per row).
RELATED = (
    "pillar",
    "section__pillar",
    "section__department",
    "initiative__pillar",
    "initiative__section",
    "initiative__department",
)


def in_plan(plan: Plan) -> Q:
    """The evaluations of ``plan``'s pillars, sections and initiatives."""
    return Q(pillar__plan=plan) | Q(section__pillar__plan=plan) | Q(initiative__pillar__plan=plan)


def approved_evaluations(*, fiscal_year: int, plan: Plan | None = None) -> QuerySet[Evaluation]:
    """The year's approved evaluations in plan order (pillar, section, initiative; then
    一次評価, 二次評価, 審議会意見), of ``plan`` (the current plan if None), with their
    subjects and departments fetched alongside."""
    from programs.selectors import current_plan

    plan = plan if plan is not None else current_plan()
    return (
        Evaluation.objects.filter(in_plan(plan), fiscal_year=fiscal_year, status=Status.APPROVED)
        .select_related(*RELATED)
        .order_by(*Evaluation._meta.ordering)
    )


def evaluations_complete(*, fiscal_year: int) -> bool:
    """True when the year has at least one evaluation and every one is approved (the
    report's draft watermark goes then)."""
    statuses = set(
        Evaluation.objects.filter(fiscal_year=fiscal_year).values_list("status", flat=True)
    )
    return statuses == {Status.APPROVED}


def subject_indicators(evaluation: Evaluation) -> list:
    """The indicators of the evaluated item, in plan order, each with its progress as of the
    evaluation's year (``indicators.selectors.progress_by_indicator``): a pillar's every
    indicator, a section's own, an initiative's section's (or its pillar's own, without a
    section)."""
    from indicators.models import Indicator
    from indicators.selectors import progress_by_indicator

    if evaluation.pillar_id:
        found = Q(pillar_id=evaluation.pillar_id)
    elif evaluation.section_id:
        found = Q(section_id=evaluation.section_id)
    elif evaluation.initiative_id:
        initiative = evaluation.initiative
        found = (
            Q(section_id=initiative.section_id)
            if initiative.section_id
            else Q(pillar_id=initiative.pillar_id, section__isnull=True)
        )
    else:
        return []
    indicators = list(Indicator.objects.filter(found).select_related("unit"))
    progress = progress_by_indicator(indicators, up_to=evaluation.fiscal_year)
    return [(indicator, progress[indicator.pk]) for indicator in indicators]
