"""Writes to the progress of the plan's initiatives. The plan's content itself enters the
database only from a plan folder: ``programs.plan_folder`` (``plan_sync_from_plan``), called
by ``portal.plan_loading.plan_load`` (``load_plan``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infrastructure.fiscal_year import validate_reporting_year
from infrastructure.workflow import record_create, record_delete, record_update

from .models import InitiativeProgress

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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
