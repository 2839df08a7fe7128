"""Portal tasks: the planners' daily digest of what was submitted."""

from __future__ import annotations

import smtplib

from celery import shared_task

from community.tenants import in_each_municipality
from infrastructure.jobs.services import TransientJobError
from infrastructure.jobs.tasks import IDEMPOTENT

from .notifications import digests_send


@shared_task(
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    **{**IDEMPOTENT, "autoretry_for": (*IDEMPOTENT["autoretry_for"], smtplib.SMTPException)},
)
def send_submission_digests() -> dict:
    """Daily (beat): each planner's digest of what waits for approval; once a day, safe to
    run any number of times."""
    runs = in_each_municipality(digests_send)  # each municipality's own, to its own staff
    failed = sum(run.failed for run in runs)
    if failed:
        raise TransientJobError(f"{failed} digest(s) could not be sent")
    return {key: sum(vars(run)[key] for run in runs) for key in vars(runs[0])}
