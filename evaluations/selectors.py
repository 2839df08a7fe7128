"""Reads of evaluations shared by the doors (the council report, the pages, the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from infrastructure.workflow import Status

from .models import Evaluation, EvaluationYear

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


def evaluations_complete(
    *, fiscal_year: int, plan: Plan | None = None, missing: list | None = None
) -> bool:
    """True when every evaluation the year expects (``expected_evaluations``) exists and is
    approved, and no other evaluation of the year waits for approval: the report's draft
    mark (案) goes then. ``missing``: ``missing_evaluations``' answer, where the caller has it."""
    from programs.selectors import current_plan

    plan = plan if plan is not None else current_plan()
    if plan is None:
        return False
    # Both asked whatever the first answers, so a page's queries do not depend on the data.
    if missing is None:
        missing = missing_evaluations(fiscal_year=fiscal_year, plan=plan)
    statuses = set(
        Evaluation.objects.filter(in_plan(plan), fiscal_year=fiscal_year).values_list(
            "status", flat=True
        )
    )
    return _complete(missing, statuses)


def _complete(missing: list, statuses: set[str]) -> bool:
    """The report's rule: nothing the year expects is unapproved, and the year's evaluations
    are all approved (none waits in draft or for approval)."""
    return not missing and statuses == {Status.APPROVED}


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


# --- What a year expects --------------------------------------------------------------------
#
# The one rule of which evaluations a fiscal year's report waits for: every section and
# initiative with a department (所管課) its 一次評価 (the department's), every pillar its
# 二次評価 (the planners'). The report is a draft (案) until each of them exists and is
# approved, and until no other evaluation of the year waits for approval.


def expected_evaluations(*, plan: Plan | None = None) -> list[tuple[object, str]]:
    """(subject, stage) for every evaluation a year of ``plan`` (the current plan if None)
    expects, in plan order: each pillar's 二次評価, each section's and initiative's with a
    department 一次評価."""
    from programs.selectors import current_plan

    plan = plan if plan is not None else current_plan()
    if plan is None:
        return []
    return expected_evaluations_by_plan([plan])[plan.pk]


def expected_evaluations_by_plan(plans) -> dict[int, list[tuple[object, str]]]:
    """``expected_evaluations`` of each of ``plans``, by the plan's id: three queries
    whatever their number."""
    from programs.models import Initiative, Pillar, Section

    from .choices import EvaluationStage

    plans = list(plans)
    sections = Section.objects.filter(pillar__plan__in=plans, department__isnull=False)
    initiatives = Initiative.objects.filter(pillar__plan__in=plans, department__isnull=False)
    by_pillar: dict[int, list] = {}
    for item in [*sections, *initiatives.select_related("section")]:
        by_pillar.setdefault(item.pillar_id, []).append(item)
    expected: dict[int, list[tuple[object, str]]] = {plan.pk: [] for plan in plans}
    for pillar in Pillar.objects.filter(plan__in=plans):
        expected[pillar.plan_id].append((pillar, EvaluationStage.SECONDARY))
        items = sorted(by_pillar.get(pillar.pk, []), key=_plan_position)
        expected[pillar.plan_id].extend((item, EvaluationStage.PRIMARY) for item in items)
    return expected


def _plan_position(item) -> tuple[int, int, int, int]:
    """Within a pillar, as the report prints it: the initiatives outside any section, then
    each section followed by its initiatives."""
    from programs.models import Section

    if isinstance(item, Section):
        return (1, item.number, 0, 0)
    if item.section_id is None:
        return (0, 0, 0, item.number)
    return (1, item.section.number, 1, item.number)


def _subject_key(subject) -> tuple[str, int]:
    return (type(subject).__name__.lower(), subject.pk)


def missing_evaluations(
    *,
    fiscal_year: int,
    plan: Plan | None = None,
    expected: list[tuple[object, str]] | None = None,
    written: bool = False,
) -> list[tuple[object, str]]:
    """Of ``expected_evaluations`` (or ``expected``, when the caller has them), those of
    ``fiscal_year`` not approved yet, or with ``written`` not written at all (a draft counts):
    what the report waits for, and what the task list asks people to write."""
    from programs.selectors import current_plan

    plan = plan if plan is not None else current_plan()
    if expected is None:
        expected = expected_evaluations(plan=plan)
    if not expected:
        return []
    rows = Evaluation.objects.filter(in_plan(plan), fiscal_year=fiscal_year)
    if not written:
        rows = rows.filter(status=Status.APPROVED)
    present = {
        _row_key(pillar_id, section_id, initiative_id, stage)
        for pillar_id, section_id, initiative_id, stage in rows.values_list(
            "pillar_id", "section_id", "initiative_id", "stage"
        )
    }
    return _missing(expected, present)


def _row_key(pillar_id, section_id, initiative_id, stage) -> tuple[tuple[str, int], str]:
    if pillar_id:
        return (("pillar", pillar_id), stage)
    if section_id:
        return (("section", section_id), stage)
    return (("initiative", initiative_id), stage)


def _missing(expected: list[tuple[object, str]], present: set) -> list[tuple[object, str]]:
    return [
        (subject, stage)
        for subject, stage in expected
        if (_subject_key(subject), stage) not in present
    ]


@dataclass(frozen=True)
class YearEvaluations:
    """A plan's evaluations of a fiscal year, as counts: how many the year expects
    (``expected_evaluations``), how many of those are written (in any state) and approved,
    and whether the report is final (``evaluations_complete``: no longer 案)."""

    expected: int
    written: int
    approved: int
    complete: bool


def year_evaluations_by_plan(*, fiscal_year: int, plans) -> dict[int, YearEvaluations]:
    """``YearEvaluations`` of each of ``plans`` for ``fiscal_year``, by the plan's id, by the
    same rules as ``missing_evaluations`` and ``evaluations_complete``: four queries whatever
    the number of plans (the prefecture's view). Counts only: no evaluation's content."""
    from django.db.models.functions import Coalesce

    plans = list(plans)
    expected = expected_evaluations_by_plan(plans)
    written: set = set()
    approved: set = set()
    statuses: dict[int, set[str]] = {plan.pk: set() for plan in plans}
    rows = (
        Evaluation.objects.filter(
            Q(pillar__plan__in=plans)
            | Q(section__pillar__plan__in=plans)
            | Q(initiative__pillar__plan__in=plans),
            fiscal_year=fiscal_year,
        )
        .annotate(
            of_plan=Coalesce("pillar__plan", "section__pillar__plan", "initiative__pillar__plan")
        )
        .order_by()
        .values_list("of_plan", "pillar_id", "section_id", "initiative_id", "stage", "status")
    )
    for plan_id, pillar_id, section_id, initiative_id, stage, status in rows:
        key = _row_key(pillar_id, section_id, initiative_id, stage)
        written.add(key)
        if status == Status.APPROVED:
            approved.add(key)
        statuses[plan_id].add(status)
    found = {}
    for plan in plans:
        wanted = expected[plan.pk]
        missing = _missing(wanted, approved)
        found[plan.pk] = YearEvaluations(
            expected=len(wanted),
            written=len(wanted) - len(_missing(wanted, written)),
            approved=len(wanted) - len(missing),
            complete=_complete(missing, statuses[plan.pk]),
        )
    return found


def evaluation_year(*, fiscal_year: int, plan) -> EvaluationYear | None:
    """The year's committee with its meetings in date order (one query), or None where a
    planner recorded none."""
    if plan is None:
        return None
    return (
        EvaluationYear.objects.filter(plan=plan, fiscal_year=fiscal_year)
        .prefetch_related("meetings")
        .first()
    )
