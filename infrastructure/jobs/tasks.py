"""Thin tasks: fetch by id, call a service, own the retries.

Every task here is idempotent (a job is claimed before it runs; a heartbeat or a requeue may
happen twice), so each acknowledges late: a task whose worker dies is handed out again.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

# Errors of a service that is briefly away: retried with exponential back-off (and jitter).
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
IDEMPOTENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (*TRANSIENT, services.TransientJobError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(soft_time_limit=9 * 60, time_limit=10 * 60, **IDEMPOTENT)
def run_job(job_id: int) -> str:
    return services.job_run(job_id=job_id)


@shared_task(bind=True, soft_time_limit=20, time_limit=30, ignore_result=True, **IDEMPOTENT)
def heartbeat(self) -> None:
    services.heartbeat_record(hostname=self.request.hostname or "worker")


@shared_task(soft_time_limit=50, time_limit=60, **IDEMPOTENT)
def requeue_jobs() -> int:
    return services.jobs_requeue()


@shared_task(soft_time_limit=50, time_limit=60, **IDEMPOTENT)
def purge_finished_jobs() -> int:
    return services.jobs_purge_finished()
