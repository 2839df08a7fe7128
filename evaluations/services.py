"""Writes to evaluations (施策評価), through the workflow every progress record shares:
keyword-only, atomic, ``full_clean``, the one policy (``infrastructure.policy``) and a
history row for each write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infrastructure.fiscal_year import validate_reporting_year
from infrastructure.workflow import (
    Transition,
    record_create,
    record_delete,
    record_transition,
    record_update,
)

from .models import Evaluation

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

UPDATABLE_EVALUATION_FIELDS = {
    "fiscal_year",
    "pillar",
    "section",
    "initiative",
    "stage",
    "rating",
    "results",
    "analysis",
    "issues",
    "direction",
    "comment",
}


def validate_evaluation(record: Evaluation) -> None:
    """Rules across rows: the year is one the plan reports on."""
    validate_reporting_year(record.fiscal_year)


def evaluation_create(*, user: AbstractBaseUser, **fields) -> Evaluation:
    """A draft evaluation, if the user may write this stage of this item."""
    if unknown := set(fields) - UPDATABLE_EVALUATION_FIELDS:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    record = Evaluation(**fields)
    return record_create(record=record, user=user, validate=validate_evaluation)


def evaluation_update(
    *, user: AbstractBaseUser, record: Evaluation, expected_version: int | None, **changes
) -> Evaluation:
    return record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=UPDATABLE_EVALUATION_FIELDS,
        validate=validate_evaluation,
    )


def evaluation_delete(
    *, user: AbstractBaseUser, record: Evaluation, expected_version: int | None
) -> None:
    record_delete(record=record, user=user, expected_version=expected_version)


def _transition(transition: str):
    def run(
        *,
        user: AbstractBaseUser,
        record: Evaluation,
        expected_version: int | None = None,
        comment: str = "",
    ) -> Evaluation:
        return record_transition(
            record=record,
            transition=transition,
            user=user,
            comment=comment,
            expected_version=expected_version,
        )

    run.__name__ = f"evaluation_{transition}"
    run.__doc__ = f"The workflow's {transition} of an evaluation, if the user may."
    return run


evaluation_submit = _transition(Transition.SUBMIT)
evaluation_approve = _transition(Transition.APPROVE)
evaluation_return = _transition(Transition.RETURN)
evaluation_reopen = _transition(Transition.REOPEN)
