"""Creating, sending and running jobs. Apps register a handler per kind of job:

    @job_handler("annual_report")
    def build(job: Job, progress: Progress) -> dict: ...

The handler gets the claimed job and a ``progress(done, total)`` callback and returns the
result (JSON); raising marks the job failed with the message. A large import plugs in the
same way: its handler reports rows done of total and returns the preview or the outcome.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Job, JobStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
Handler = Callable[[Job, Progress], dict | None]
HANDLERS: dict[str, Handler] = {}

# A job never sent (the broker was down) is sent again after this long; one sent but not
# started after REQUEUE_STARTED_AFTER (a lost message) too. Running it twice is harmless:
# the worker claims the row first.
REQUEUE_UNSENT_AFTER = datetime.timedelta(seconds=30)
REQUEUE_SENT_AFTER = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 3
# Progress is written at most this often (and always at the start and the end).
PROGRESS_INTERVAL = 0.5


class TransientJobError(Exception):
    """A failure worth retrying (a service briefly away); the task retries with back-off."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


def job_create(
    *,
    kind: str,
    user: AbstractBaseUser | None = None,
    params: dict[str, Any] | None = None,
    total: int | None = None,
    reuse_queued: bool = False,
) -> Job:
    """Record a job and send it to the worker when the current transaction commits.

    With ``reuse_queued``, a job of the same kind and parameters that has not started yet
    is returned instead of a new one (e.g. one summary refresh for many approvals)."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    params = params or {}
    if reuse_queued:
        waiting = Job.objects.filter(kind=kind, params=params, status=JobStatus.QUEUED).first()
        if waiting is not None:
            return waiting
    job = Job.objects.create(kind=kind, user=user, params=params, total=total)
    transaction.on_commit(lambda: job_send(job_id=job.pk))
    return job


def job_send(*, job_id: int) -> bool:
    """Hand the job to the broker; on failure keep it queued with the reason (beat sends it
    again), never raise. True if sent."""
    from .tasks import run_job

    try:
        run_job.apply_async(args=[job_id])
    except Exception as error:  # kombu and redis raise several kinds for a dead broker
        reason = f"{type(error).__name__}: {error}"[:200]
        logger.error(
            "Job %s could not be queued (%s); it stays queued for requeue_jobs", job_id, reason
        )
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(enqueue_error=reason)
        return False
    if not run_job.app.conf.task_always_eager:  # eager: the job has run already
        Job.objects.filter(pk=job_id).update(enqueued_at=timezone.now(), enqueue_error="")
    return True


def jobs_requeue(*, unsent_after: datetime.timedelta = REQUEUE_UNSENT_AFTER) -> int:
    """Send again the queued jobs that never reached the broker, or reached it long ago and
    never started. Returns how many were sent."""
    now = timezone.now()
    waiting = Job.objects.filter(status=JobStatus.QUEUED).filter(
        # never sent (the broker was down) …
        Q(enqueued_at__isnull=True, created_at__lte=now - unsent_after)
        # … or sent but not picked up for a long time.
        | Q(enqueued_at__lt=now - REQUEUE_SENT_AFTER)
    )
    sent = 0
    for job_id in waiting.values_list("pk", flat=True)[:500]:
        sent += job_send(job_id=job_id)
    return sent


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it is finished or running elsewhere; None if not ours."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("Job %s no longer exists", job_id)
            return None
        if job.finished:
            return None
        # A running job whose worker died (acks_late redelivers it) may be taken over.
        if job.status == JobStatus.RUNNING and job.started_at and job.started_at > stale:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status = JobStatus.FAILED
            job.error = job.error or "too many attempts"
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
        return job


class ProgressWriter:
    """The ``progress(done, total)`` callback a handler gets: records rows done of total on the
    job row, at most every ``PROGRESS_INTERVAL`` seconds (always the first and last call).

    A handler may report progress from inside its own transaction (an import runs the whole
    file in one, and rolls a dry run back). Written there, the numbers would stay invisible to
    the status page until the end, and a rollback would take them away. So inside a
    transaction the row is updated through a second connection of its own, in autocommit.
    SQLite cannot write from two connections at once: there the row is updated in the
    handler's transaction, and ``job_run`` writes the final numbers after it."""

    def __init__(self, job: Job):
        self.job = job
        self.last = 0.0
        self.side = None

    def __call__(self, done: int, total: int | None = None) -> None:
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        now = time.monotonic()
        finished = job.total is not None and done >= job.total
        if done and not finished and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block and connection.vendor != "sqlite":
            try:
                self.write_aside()
                return
            except Exception:  # progress is best effort: never fail the job over it
                logger.warning("Job %s: progress not recorded", job.pk, exc_info=True)
                return
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total)

    def write_aside(self) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Job._meta.db_table)} SET {quote('done')} = %s, "
                f"{quote('total')} = %s WHERE {quote('id')} = %s",
                [self.job.done, self.job.total, self.job.pk],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def job_run(*, job_id: int) -> str:
    """Run a job once (called by the task). Returns the job's status afterwards."""
    job = _claim(job_id)
    if job is None:
        return "skipped"

    progress = ProgressWriter(job)
    try:
        result = HANDLERS[job.kind](job, progress)
    except TransientJobError:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        raise
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            error=str(error)[:2000],
            done=job.done,
            total=job.total,
            finished_at=timezone.now(),
        )
        return JobStatus.FAILED
    finally:
        progress.close()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        result=result,
        error="",
        done=job.total if job.total is not None else job.done,
        total=job.total,
        finished_at=timezone.now(),
    )
    return JobStatus.SUCCEEDED


def jobs_purge_finished(*, older_than: datetime.timedelta = datetime.timedelta(days=90)) -> int:
    """Delete finished jobs older than ``older_than`` (their effects stay)."""
    deleted, _ = Job.objects.filter(
        status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED],
        finished_at__lt=timezone.now() - older_than,
    ).delete()
    return deleted


def heartbeat_record(*, hostname: str) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200], defaults={"seen_at": timezone.now()}
    )
