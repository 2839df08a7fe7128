"""Reads that only the pages need: the initiatives' progress, city-wide and per ward, for a
fiscal year."""

from __future__ import annotations

from django.db.models import Q

from community.models import Ward
from programs.models import Initiative, InitiativeProgress, Section


def progress_grid(*, pillar, fiscal_year: int, user) -> dict:
    """Rows: the pillar's initiatives (and sections with no numbered initiative); columns:
    city-wide (None), then the wards, if the city has any; cells: the report for the year
    of the city (a record with no ward, say a department's) or of the ward, as the user may
    see it. Four queries.

    ``wards`` are the wards alone (empty for a city without them: its pages show the
    city-wide column only), ``columns`` the city-wide column and the wards; each row has
    ``city_wide``, ``cells`` (the wards' records, in the order of ``wards``) and
    ``labelled``: (column, record) in the order of ``columns``."""
    wards = list(Ward.objects.all())
    columns = [None, *wards]
    initiatives = list(Initiative.objects.filter(pillar=pillar).select_related("section"))
    sections = list(
        Section.objects.filter(pillar=pillar, initiatives__isnull=True).select_related("pillar")
    )
    records = (
        InitiativeProgress.objects.filter(
            Q(initiative__pillar=pillar) | Q(section__pillar=pillar),
            fiscal_year=fiscal_year,
        )
        .visible_to(user)
        .order_by()
    )
    cells = {(r.initiative_id, r.section_id, r.ward_id): r for r in records}

    def row(subject, initiative_id, section_id) -> dict:
        found = [cells.get((initiative_id, section_id, getattr(c, "pk", None))) for c in columns]
        return {
            "subject": subject,
            "city_wide": found[0],
            "cells": found[1:],
            # Each cell with its column, for the table stacked on a phone and the report.
            "labelled": list(zip(columns, found, strict=True)),
        }

    rows = [row(i, i.pk, None) for i in initiatives] + [row(s, None, s.pk) for s in sections]
    # In plan order: a section with no numbered initiative sits where its number puts it,
    # not after the other sections' initiatives (施策4: 4-1 before 4-2-1).
    rows.sort(key=lambda row: _plan_position(row["subject"]))
    return {"wards": wards, "columns": columns, "rows": rows}


def _plan_position(subject) -> tuple[int, int]:
    if isinstance(subject, Section):
        return (subject.number, 0)
    return (subject.section.number if subject.section else 0, subject.number)


# Which stage's 要因分析 speaks for an item: the planners' review over the department's own.
ANALYSIS_STAGES = ("secondary", "primary")
STAGE_ORDER = {"primary": 0, "secondary": 1, "council": 2}


def approved_evaluations_for(fiscal_year: int, plan) -> dict[int, list]:
    """The approved evaluations (施策評価) of ``fiscal_year``, by pillar id, each pillar's
    in plan order (the pillar itself, its sections, its initiatives; then by stage)."""
    from evaluations.selectors import approved_evaluations

    return evaluations_by_pillar(approved_evaluations(fiscal_year=fiscal_year, plan=plan))


def evaluations_by_pillar(evaluations) -> dict[int, list]:
    """``evaluations`` (each on a pillar, a section or an initiative) grouped by the pillar
    they belong to, in plan order."""
    grouped: dict[int, list] = {}
    for evaluation in evaluations:
        grouped.setdefault(_pillar_id_of(evaluation), []).append(evaluation)
    return {pk: sorted(found, key=_plan_order) for pk, found in grouped.items()}


def _pillar_id_of(evaluation) -> int:
    if evaluation.section_id:
        return evaluation.section.pillar_id
    if evaluation.initiative_id:
        return evaluation.initiative.pillar_id
    return evaluation.pillar_id


def _plan_order(evaluation) -> tuple:
    if evaluation.initiative_id:
        place = (2, evaluation.initiative.code)
    elif evaluation.section_id:
        place = (1, evaluation.section.number)
    else:
        place = (0, "")
    return (*place, STAGE_ORDER.get(evaluation.stage, len(STAGE_ORDER)))


def analysis_for(indicator, evaluations: list):
    """The approved evaluation whose 要因分析 explains ``indicator``: its section's, else its
    pillar's own; the planners' (二次評価) before the department's (一次評価). None without one."""

    def rank(evaluation) -> tuple[int, int] | None:
        if evaluation.stage not in ANALYSIS_STAGES or not evaluation.analysis:
            return None
        if evaluation.section_id and evaluation.section_id == indicator.section_id:
            place = 0
        elif not (evaluation.section_id or evaluation.initiative_id):
            place = 1
        else:
            return None
        return place, ANALYSIS_STAGES.index(evaluation.stage)

    ranked = [(found, e) for e in evaluations if (found := rank(e)) is not None]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def explained(rows, evaluations: dict[int, list]) -> list[dict]:
    """Each of ``rows`` (``indicators_with_progress``), in plan order, with whether it needs
    attention (behind, or missed its target) and, if so, the evaluation that explains it."""

    def row(indicator, progress) -> dict:
        late = progress.behind
        own = evaluations.get(indicator.pillar_id, [])
        return {
            "indicator": indicator,
            "progress": progress,
            "late": late,
            "evaluation": analysis_for(indicator, own) if late else None,
        }

    return [row(indicator, progress) for indicator, progress in rows]


def needing_attention(rows, evaluations: dict[int, list]) -> list[dict]:
    """The indicators of ``rows`` that are behind or did not reach their target, in plan
    order, each with the evaluation that explains it (or None)."""
    return [row for row in explained(rows, evaluations) if row["late"]]
