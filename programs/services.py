"""Writes to the plan's content. The one way plan content enters the database is
``plan_load``: it makes the database match the plan data files, changing only what differs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from community.models import OrganisationType
from community.services import community_sync_from_plan
from indicators.services import PlanConflictError, indicators_sync_from_plan
from kumamoto_welfare.fiscal_year import validate_reporting_year
from kumamoto_welfare.sync import Synchroniser, SyncReport
from kumamoto_welfare.workflow import record_create, record_delete, record_update

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

from .plan_data import (
    ActionData,
    ChallengeData,
    FigureData,
    InitiativeData,
    PillarData,
    PlanDocument,
)


@transaction.atomic
def plan_load(*, document: PlanDocument, overwrite_edits: bool = False) -> SyncReport:
    """Make the database hold exactly the plan of ``document``.

    Running it again with the same document writes nothing. Progress data entered by staff
    (indicator values that did not come from the plan) is never changed or deleted. Plan
    content a planner changed in the admin since the last load is not overwritten either:
    if the document differs there, nothing is written and the rows are named, unless
    ``overwrite_edits``.
    """
    report = SyncReport()
    sync = Synchroniser(report, reason="load_plan", overwrite_edits=overwrite_edits)
    plan = sync.upsert(
        Plan,
        {"code": document.code},
        {
            "title": document.title,
            "period_start": document.period_start,
            "period_end": document.period_end,
        },
    )
    area = sync.upsert(
        PriorityArea,
        {"plan": plan, "number": document.priority_area_number},
        {"title": document.priority_area_title},
    )
    sync.prune(area.plan.priority_areas.all(), [area])

    pillars = [_load_pillar(sync, area, data) for data in document.pillars]
    sync.prune(Pillar.objects.filter(priority_area=area), pillars)

    indicators_sync_from_plan(sync=sync, document=document)

    # Organisation types are only upserted, never pruned: types the city added are kept.
    for position, data in enumerate(document.organisation_types, start=1):
        sync.upsert(
            OrganisationType, {"code": data.code}, {"name": data.name, "position": position}
        )
    community_sync_from_plan(sync=sync, document=document)
    if sync.edited:
        raise PlanConflictError(
            _(
                "次の項目は管理画面で変更されているため、計画データで上書きしませんでした"
                "（何も書き込んでいません）。計画データ（YAML）を合わせるか、"
                "--overwrite-edits で上書きしてください：%(rows)s"
            )
            % {
                "rows": "；".join(
                    f"{instance._meta.verbose_name}「{instance}」（{editor or '?'}）"
                    for instance, editor in sync.edited
                )
            }
        )
    return report


def _load_pillar(sync: Synchroniser, area: PriorityArea, data: PillarData) -> Pillar:
    pillar = sync.upsert(
        Pillar,
        {"number": data.number},
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
