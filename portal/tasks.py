"""Portal tasks: the planners' daily digest of what was submitted."""

from __future__ import annotations

import smtplib

from celery import shared_task

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
    run = digests_send()
    if run.failed:
        raise TransientJobError(f"{run.failed} digest(s) could not be sent")
    return vars(run)
