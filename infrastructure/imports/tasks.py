"""The imports' own housekeeping task (listed in ``CELERY_IMPORTS``; beat runs it daily)."""

from __future__ import annotations

from celery import shared_task

from infrastructure.jobs.tasks import IDEMPOTENT

from .storage import uploads_purge


@shared_task(soft_time_limit=50, time_limit=60, **IDEMPOTENT)
def purge_uploads() -> int:
    """Delete the uploads that waited for a confirmation more than a day (idempotent)."""
    return uploads_purge()
