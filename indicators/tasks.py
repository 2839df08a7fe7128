"""Indicator tasks: the daily reporting reminders and the summary refresh after approvals."""

from __future__ import annotations

import smtplib

from celery import shared_task

from jobs.services import TransientJobError, job_handler
from jobs.tasks import IDEMPOTENT

from .reminders import reminders_send

REFRESH_SUMMARIES = "refresh_summaries"


@shared_task(
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    **{**IDEMPOTENT, "autoretry_for": (*IDEMPOTENT["autoretry_for"], smtplib.SMTPException)},
)
def send_reporting_reminders() -> dict:
    """Daily (beat): the reminders due today; safe to run any number of times."""
    run = reminders_send()
    if run.failed:
        # Retried with back-off; what was sent is recorded and not sent again.
        raise TransientJobError(f"{run.failed} reminder(s) could not be sent")
    return vars(run)


@job_handler(REFRESH_SUMMARIES)
def refresh_summaries(job, progress) -> dict:
    """After an approval: move the summaries' generation on (in case a cache outage kept
    the approval's own move from landing) and compute them again, so the next reader is
    served from a warm cache."""
    from .api.summaries import summaries_warm
    from .selectors import bump_generation

    bump_generation()
    return {"warmed": summaries_warm(fiscal_years=job.params.get("fiscal_years", []))}
