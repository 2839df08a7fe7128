"""Indicator tasks: the daily reporting reminders, the summary refresh after approvals and
the recomputation of derived indicators."""

from __future__ import annotations

import smtplib

from celery import shared_task

from community.tenants import in_each_municipality
from infrastructure.jobs.services import TransientJobError, job_handler
from infrastructure.jobs.tasks import IDEMPOTENT

from .reminders import reminders_send

REFRESH_SUMMARIES = "refresh_summaries"
RECOMPUTE_DERIVED = "recompute_derived_values"


@shared_task(
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    **{**IDEMPOTENT, "autoretry_for": (*IDEMPOTENT["autoretry_for"], smtplib.SMTPException)},
)
def send_reporting_reminders() -> dict:
    """Daily (beat): the reminders due today; safe to run any number of times."""
    runs = in_each_municipality(reminders_send)  # each municipality's own, to its own staff
    failed = sum(run.failed for run in runs)
    if failed:
        # Retried with back-off; what was sent is recorded and not sent again.
        raise TransientJobError(f"{failed} reminder(s) could not be sent")
    return {key: sum(vars(run)[key] for run in runs) for key in vars(runs[0])}


@job_handler(REFRESH_SUMMARIES)
def refresh_summaries(job, progress) -> dict:
    """After an approval: move the summaries' generation on (in case a cache outage kept
    the approval's own move from landing) and compute them again, so the next reader is
    served from a warm cache. The generation of the job's tenant, whose approval it was
    (with none, every municipality's)."""
    from infrastructure import tenancy
    from infrastructure.response_cache import bump_generation

    from .api.summaries import summaries_warm

    bump_generation(tenancy.current_id())
    return {"warmed": summaries_warm(fiscal_years=job.params.get("fiscal_years", []))}


@job_handler(RECOMPUTE_DERIVED)
def recompute_derived_values(job, progress) -> dict[str, int]:
    """Make the derived indicators' values match their community records (KPI-4-1,
    KPI-4-2). Idempotent: it computes from the records, whatever ran before."""
    from .derived import derived_values_recompute

    return derived_values_recompute(
        derivation=job.params["derivation"],
        fiscal_years=job.params.get("fiscal_years"),
        user=job.user,
    )
