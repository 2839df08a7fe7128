"""Writes to the plan's content. The one way plan content enters the database is
``portal.plan_loading.plan_load`` (``load_plan``), which calls ``plan_sync_from_plan`` here:
it makes the database match the plan data files, changing only what differs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from infrastructure.fiscal_year import validate_reporting_year
from infrastructure.sync import PlanConflictError, Synchroniser
from infrastructure.workflow import record_create, record_delete, record_update

from .models import (
    Action,
    Challenge,
    Figure,
    Initiative,
    InitiativeProgress,
    Pillar,
    PillarContent,
    Plan,
    PriorityArea,
    Section,
    initiative_code,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from portal.plan_data import (
        ActionData,
        ChallengeData,
        FigureData,
        InitiativeData,
        PillarData,
        PlanDocument,
        PriorityAreaData,
    )


def plan_sync_from_plan(*, sync: Synchroniser, document: PlanDocument, municipality) -> Plan:
    """Make the plan of ``document`` (title, period) and the chapters it holds, with all
    their content, match the document; return the plan. Other plans, and chapters of this
    plan the document does not hold, are never touched: a second chapter or the next plan
    period loads beside the first. Part of ``portal.plan_loading.plan_load``."""
    plan = sync.upsert(
        Plan,
        {"code": document.code},
        {
            "municipality": municipality,
            "title": document.title,
            "title_en": document.title_en,
            "period_start": document.period_start,
            "period_end": document.period_end,
        },
    )
    for area_data in document.priority_areas:
        area = sync.upsert(
            PriorityArea,
            {"plan": plan, "number": area_data.number},
            {"title": area_data.title},
        )
        _check_pillars_are_free(plan, document, area_data)
        pillars = [_load_pillar(sync, area, data) for data in area_data.pillars]
        sync.prune(Pillar.objects.filter(priority_area=area), pillars)
    return plan


def _check_pillars_are_free(plan: Plan, document: PlanDocument, area: PriorityAreaData) -> None:
    """A pillar number of the chapter must not be taken by a chapter the document does not
    hold (pillar numbers are unique within the plan); moving a pillar between chapters the
    document holds is a correction."""
    held = [a.number for a in document.priority_areas]
    taken = (
        Pillar.objects.filter(plan=plan, number__in=[p.number for p in area.pillars])
        .exclude(priority_area__number__in=held)
        .select_related("priority_area")
    )
    if clash := taken.first():
        raise PlanConflictError(
            _("施策%(number)s は計画「%(plan)s」の%(area)sにすでにあります。")
            % {"number": clash.number, "plan": plan.title, "area": clash.priority_area}
        )


def _load_pillar(sync: Synchroniser, area: PriorityArea, data: PillarData) -> Pillar:
    pillar = sync.upsert(
        Pillar,
        {"plan": area.plan, "number": data.number},
        {
            "priority_area": area,
            "title": data.title,
            "theme": data.theme,
            "overview": data.overview,
        },
    )
    _load_content(sync, pillar, None, data.challenges, data.initiatives, (), data.figures)
    sections = []
    for section_data in data.sections:
        section = sync.upsert(
            Section,
            {"pillar": pillar, "number": section_data.number},
            {"title": section_data.title},
        )
        _load_content(
            sync,
            pillar,
            section,
            section_data.challenges,
            section_data.initiatives,
            section_data.actions,
            section_data.figures,
        )
        sections.append(section)
    sync.prune(pillar.sections.all(), sections)
    return pillar


def _load_content(
    sync: Synchroniser,
    pillar: Pillar,
    section: Section | None,
    challenges: tuple[ChallengeData, ...],
    initiatives: tuple[InitiativeData, ...],
    actions: tuple[ActionData, ...],
    figures: tuple[FigureData, ...],
) -> None:
    """Challenges, initiatives, actions and figures of one section, or of the pillar itself
    where ``section`` is None."""
    place = {"pillar": pillar, "section": section}

    def owned(model: type[PillarContent]) -> models.QuerySet:
        return model.objects.filter(**place)

    sync.prune(
        owned(Challenge),
        [
            sync.upsert(
                Challenge,
                {**place, "position": position},
                {"heading": item.heading, "text": item.text},
            )
            for position, item in enumerate(challenges, start=1)
        ],
    )

    kept_initiatives = []
    for item in initiatives:
        initiative = sync.upsert(
            Initiative,
            {**place, "number": item.number},
            {
                "code": initiative_code(pillar.number, section and section.number, item.number),
                "title": item.title,
                "lead": item.lead,
            },
        )
        _load_actions(sync, {"initiative": initiative}, initiative.actions.all(), item.actions)
        kept_initiatives.append(initiative)
    sync.prune(owned(Initiative), kept_initiatives)

    if section is not None:
        _load_actions(sync, {"section": section}, section.actions.all(), actions)

    sync.prune(
        owned(Figure),
        [
            sync.upsert(
                Figure,
                {**place, "position": position},
                {"kind": item.kind, "number": item.number, "title": item.title, "text": item.text},
            )
            for position, item in enumerate(figures, start=1)
        ],
    )


def _load_actions(
    sync: Synchroniser,
    parent: dict[str, Any],
    existing: models.QuerySet,
    actions: tuple[ActionData, ...],
) -> None:
    sync.prune(
        existing,
        [
            sync.upsert(
                Action,
                {**parent, "position": position},
                {"group": item.group, "text": item.text},
            )
            for position, item in enumerate(actions, start=1)
        ],
    )


# --- Progress reporting: initiative progress -----------------------------------------------


def validate_progress(record: InitiativeProgress) -> None:
    validate_reporting_year(record.fiscal_year)


UPDATABLE_PROGRESS_FIELDS = {
    "initiative",
    "section",
    "fiscal_year",
    "ward",
    "state",
    "results",
    "issues",
    "next_steps",
    "events_held",
    "participants",
    "trainees",
}


def initiative_progress_create(*, user: AbstractBaseUser, **fields) -> InitiativeProgress:
    unknown = set(fields) - UPDATABLE_PROGRESS_FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    record = InitiativeProgress(**fields)
    return record_create(record=record, user=user, validate=validate_progress)


def initiative_progress_update(
    *, user: AbstractBaseUser, record: InitiativeProgress, expected_version: int | None, **changes
) -> InitiativeProgress:
    return record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=UPDATABLE_PROGRESS_FIELDS,
        validate=validate_progress,
    )


def initiative_progress_delete(
    *, user: AbstractBaseUser, record: InitiativeProgress, expected_version: int | None
) -> None:
    record_delete(record=record, user=user, expected_version=expected_version)
