"""Creating, sending and running jobs. Apps register a handler per kind of job:

    @job_handler("annual_report")
    def build(job: Job, progress: Progress) -> dict: ...

The handler gets the claimed job and a ``progress(done, total)`` callback and returns the
result (JSON); raising marks the job failed with the message. A large import plugs in the
same way: its handler reports rows done of total and returns the preview or the outcome.

A kind may run in its own thread on the embedded default (``own_thread``: never inside the
request that asked for it), have its own time limit (``time_limit``, the name of a setting,
in seconds) and its own queue (``queue``).

While a job runs it writes a heartbeat (``Job.heartbeat_at``) every
``JOB_HEARTBEAT_INTERVAL`` seconds from a thread beside the work, and with its progress. A
job whose heartbeat is older than ``JOB_STALE_AFTER`` is dead (``job_is_dead``): its worker
or server was killed. ``jobs_requeue`` (beat) sends it again, a new claim takes it over,
and the doors that ask for work (the annual report) start afresh instead of answering with
it (``job_abandon``).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

from infrastructure import tenancy

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


class JobTimeLimitExceeded(Exception):
    """The job ran past its kind's time limit (checked at each progress report)."""


class JobTakenOver(Exception):
    """The job is no longer this run's (declared dead and taken up elsewhere)."""


@dataclass(frozen=True)
class KindOptions:
    own_thread: bool = False
    time_limit: str | None = None  # the name of a setting, seconds
    queue: str | None = None


KINDS: dict[str, KindOptions] = {}


def job_handler(
    kind: str, *, own_thread: bool = False, time_limit: str | None = None, queue: str | None = None
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        KINDS[kind] = KindOptions(own_thread=own_thread, time_limit=time_limit, queue=queue)
        return handler

    return register


def kind_time_limit(kind: str) -> int | None:
    """The kind's own time limit in seconds, if it has one."""
    name = KINDS.get(kind, KindOptions()).time_limit
    return int(getattr(settings, name)) if name else None


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_AFTER)


# The task that runs a job (``tasks.run_job``), found by name: the tasks import this module.
RUN_JOB = "infrastructure.jobs.tasks.run_job"


def _run_job_task():
    return current_app.tasks[RUN_JOB]


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def job_is_dead(job: Job) -> bool:
    """Whether nobody is working on the job any more, though it is not finished: running
    with no heartbeat for ``JOB_STALE_AFTER`` seconds (its worker or server was killed), or,
    without a broker (where a job starts as soon as it is sent), queued that long."""
    stale = _stale_before()
    if job.status == JobStatus.RUNNING:
        return (job.heartbeat_at or job.started_at or job.created_at) < stale
    if job.status == JobStatus.QUEUED and _eager():
        return (job.enqueued_at or job.created_at) < stale
    return False


def job_abandon(job: Job) -> bool:
    """Mark a dead job failed (a door then starts a fresh one). False if it came back to
    life or finished meanwhile."""
    stale = _stale_before()
    alive = Q(heartbeat_at__gte=stale) | Q(heartbeat_at__isnull=True, started_at__gte=stale)
    gone = (
        Job.objects.filter(pk=job.pk, status__in=[JobStatus.RUNNING, JobStatus.QUEUED])
        .exclude(alive & Q(status=JobStatus.RUNNING))
        .update(
            status=JobStatus.FAILED,
            error="no heartbeat: the worker or server stopped; started afresh",
            finished_at=timezone.now(),
        )
    )
    if gone:
        logger.warning("Job %s (%s) was dead and is abandoned", job.pk, job.kind)
        job.refresh_from_db()
    return bool(gone)


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
    tenant = tenancy.current()
    job = Job.objects.create(
        kind=kind,
        user=user,
        params=params,
        total=total,
        tenant_id=tenant.id if tenant else None,
        tenant_code=tenant.code if tenant else "",
    )
    transaction.on_commit(lambda: job_send(job_id=job.pk))
    return job


def job_send(*, job_id: int) -> bool:
    """Hand the job to the broker; on failure keep it queued with the reason (beat sends it
    again), never raise. True if sent. Without a broker, a kind with ``own_thread`` starts
    in a thread of this process (``JOBS_EAGER_IN_THREAD``); any other runs at once."""
    run_job = _run_job_task()
    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    options = KINDS.get(kind, KindOptions())
    if run_job.app.conf.task_always_eager and options.own_thread and settings.JOBS_EAGER_IN_THREAD:
        Job.objects.filter(pk=job_id).update(enqueued_at=timezone.now(), enqueue_error="")
        threading.Thread(
            target=_run_in_thread, args=(job_id,), name=f"job-{job_id}", daemon=True
        ).start()
        return True
    limits = {}
    if limit := kind_time_limit(kind):
        limits = {"time_limit": limit, "soft_time_limit": max(limit - 30, limit * 9 // 10)}
    if options.queue:
        limits["queue"] = options.queue
    try:
        run_job.apply_async(args=[job_id], **limits)
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


def _run_in_thread(job_id: int) -> None:
    """A job in a thread of the web process (the embedded default): its own database
    connection, closed when it ends; a failure is recorded on the job, never raised."""
    try:
        job_run(job_id=job_id)
    except Exception:
        logger.exception("Job %s failed in its thread", job_id)
    finally:
        connections.close_all()  # this thread's connections only


def jobs_requeue(*, unsent_after: datetime.timedelta = REQUEUE_UNSENT_AFTER) -> int:
    """Send again the queued jobs that never reached the broker, or reached it long ago and
    never started, and the running jobs whose heartbeat stopped (their worker died: they go
    back to the queue and are sent again). Returns how many were sent."""
    now = timezone.now()
    stale = _stale_before()
    dead = Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    sent = 0
    for job_id in Job.objects.filter(dead).values_list("pk", flat=True)[:500]:
        # Only if still dead at this moment (a heartbeat may have come in since).
        if Job.objects.filter(dead, pk=job_id).update(
            status=JobStatus.QUEUED, enqueued_at=None, enqueue_error=""
        ):
            logger.warning("Job %s had no heartbeat since before %s: requeued", job_id, stale)
            sent += job_send(job_id=job_id)
    waiting = Job.objects.filter(status=JobStatus.QUEUED).filter(
        # never sent (the broker was down) …
        Q(enqueued_at__isnull=True, created_at__lte=now - unsent_after)
        # … or sent but not picked up for a long time.
        | Q(enqueued_at__lt=now - REQUEUE_SENT_AFTER)
    )
    for job_id in waiting.values_list("pk", flat=True)[:500]:
        sent += job_send(job_id=job_id)
    return sent


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it is finished or running elsewhere (a heartbeat within
    ``JOB_STALE_AFTER``); None if not ours."""
    stale = _stale_before()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("Job %s no longer exists", job_id)
            return None
        if job.finished:
            return None
        # A running job whose worker died (its heartbeat stopped) may be taken over.
        if job.status == JobStatus.RUNNING and (job.heartbeat_at or job.started_at) > stale:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.status = JobStatus.FAILED
            job.error = job.error or "too many attempts"
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


def _mine(job: Job) -> Q:
    """The job's row while it is still this run's: running, and not claimed again since."""
    return Q(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


class Heartbeat:
    """A thread beside the work that records ``heartbeat_at`` every
    ``JOB_HEARTBEAT_INTERVAL`` seconds through its own connection, until stopped. Best
    effort: a write that fails (the database briefly away, SQLite busy) is logged and tried
    again at the next beat. Past the job's deadline it stops beating, so a run that hangs
    past its time limit is taken as dead."""

    def __init__(self, job: Job, deadline: float | None):
        self.job = job
        self.deadline = deadline
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"heartbeat-{job.pk}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_INTERVAL):
                if self.deadline is not None and time.monotonic() > self.deadline:
                    logger.error("Job %s ran past its time limit", self.job.pk)
                    return
                try:
                    Job.objects.filter(_mine(self.job)).update(heartbeat_at=timezone.now())
                except Exception:
                    logger.warning("Job %s: heartbeat not recorded", self.job.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.stopped.set()


class ProgressWriter:
    """The ``progress(done, total)`` callback a handler gets: records rows done of total on the
    job row, at most every ``PROGRESS_INTERVAL`` seconds (always the first and last call).

    A handler may report progress from inside its own transaction (an import runs the whole
    file in one, and rolls a dry run back). Written there, the numbers would stay invisible to
    the status page until the end, and a rollback would take them away. So inside a
    transaction the row is updated through a second connection of its own, in autocommit.
    SQLite cannot write from two connections at once: there the row is updated in the
    handler's transaction, and ``job_run`` writes the final numbers after it."""

    def __init__(self, job: Job, deadline: float | None = None):
        self.job = job
        self.last = 0.0
        self.side = None
        self.deadline = deadline

    def __call__(self, done: int, total: int | None = None) -> None:
        job = self.job
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise JobTimeLimitExceeded(f"time limit of {kind_time_limit(job.kind)} s exceeded")
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
        mine = Job.objects.filter(_mine(job)).update(
            done=job.done, total=job.total, heartbeat_at=timezone.now()
        )
        if not mine:  # declared dead (requeued, abandoned) and perhaps claimed again
            raise JobTakenOver(f"job {job.pk} is no longer this run's")

    def write_aside(self) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        quote = self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Job._meta.db_table)} SET {quote('done')} = %s, "
                f"{quote('total')} = %s, {quote('heartbeat_at')} = %s WHERE {quote('id')} = %s",
                [self.job.done, self.job.total, timezone.now(), self.job.pk],
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

    limit = kind_time_limit(job.kind)
    deadline = time.monotonic() + limit if limit else None
    progress = ProgressWriter(job, deadline)
    heartbeat = Heartbeat(job, deadline)
    heartbeat.start()
    # The job works for the tenant that asked for it, as the request did.
    tenant = tenancy.Tenant(job.tenant_id, job.tenant_code) if job.tenant_id else None
    try:
        with tenancy.activated(tenant):
            result = HANDLERS[job.kind](job, progress)
    except TransientJobError:
        Job.objects.filter(_mine(job)).update(status=JobStatus.QUEUED)
        raise
    except JobTakenOver:
        logger.warning("Job %s (%s) was taken over; this run stops", job.pk, job.kind)
        return "skipped"
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(_mine(job)).update(
            status=JobStatus.FAILED,
            error=str(error)[:2000],
            done=job.done,
            total=job.total,
            finished_at=timezone.now(),
        )
        return JobStatus.FAILED
    finally:
        heartbeat.stop()
        progress.close()
    Job.objects.filter(_mine(job)).update(
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
