"""Jobs that die, and the PDF outside the reader's request (issue 18, items 6 and 7).

Found: a worker killed mid-import left its job ``running`` for 34 minutes while
``requeue-jobs`` found nothing; a server killed while making a report left that year's PDF
at 202 for good, and a planner's POST returned the same dead job; on the embedded default
the PDF was made inside an anonymous ``GET /reports/<year>.pdf``.

Now a running job writes a heartbeat (``Job.heartbeat_at``); one silent for
``JOB_STALE_AFTER`` is requeued by ``jobs_requeue`` (beat) or abandoned and started afresh by
the next request; without a broker the report runs in a thread of the web process. The
crash tests kill real processes with SIGKILL: a Celery worker on Redis, and a process
serving the PDF on the embedded default. Short heartbeat settings (1 s, dead after 3 s)
stand in for the minutes of production."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from infrastructure.jobs.models import Job, JobStatus
from infrastructure.jobs.services import _claim, job_create, job_is_dead, jobs_requeue
from programs.models import AnnualReport, AnnualReportStatus
from tests.jobs import crash_jobs
from tests.jobs.conftest import require_broker, wait_for, wait_for_job

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2016
FAST_HEARTBEAT = {"JOB_HEARTBEAT_INTERVAL": "1", "JOB_STALE_AFTER": "3"}


def later(seconds: float):
    """The clock moved on past the heartbeat's staleness."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=True)


def running_report_job(*, beat_seconds_ago: float) -> Job:
    """The year's report on its way, its job running with a heartbeat that long ago."""
    beat = timezone.now() - datetime.timedelta(seconds=beat_seconds_ago)
    job = Job.objects.create(
        kind="annual_report",
        params={"fiscal_year": YEAR},
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=beat,
        heartbeat_at=beat,
    )
    AnnualReport.objects.create(fiscal_year=YEAR, job=job, status=AnnualReportStatus.RUNNING)
    return job


# --- A dead job is not handed back, a live one is -------------------------------------------


def test_a_planners_post_starts_afresh_instead_of_returning_a_dead_job(planner, settings):
    """Reproduces item 7: the POST answered with the dead job, for good."""
    dead = running_report_job(beat_seconds_ago=settings.JOB_STALE_AFTER + 1)
    client = APIClient()
    client.force_authenticate(planner)
    response = client.post(f"/api/v1/reports/{YEAR}/")
    assert response.status_code == 202
    assert response.json()["job"]["id"] != dead.pk
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "heartbeat" in dead.error
    assert AnnualReport.objects.get(fiscal_year=YEAR).job.status == JobStatus.QUEUED


def test_a_reader_of_the_pdf_gets_a_fresh_job_not_a_dead_one(db, client, settings):
    """Reproduces item 7: the year's PDF stayed at 202 behind a dead job."""
    dead = running_report_job(beat_seconds_ago=settings.JOB_STALE_AFTER + 1)
    response = client.get(f"/reports/{YEAR}.pdf")
    assert response.status_code == 202
    report = AnnualReport.objects.get(fiscal_year=YEAR)
    assert report.job_id != dead.pk and report.status == AnnualReportStatus.QUEUED
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED


def test_a_job_with_a_recent_heartbeat_is_left_alone(client, planner, settings):
    alive = running_report_job(beat_seconds_ago=settings.JOB_STALE_AFTER - 30)
    assert client.get(f"/reports/{YEAR}.pdf").status_code == 202
    api = APIClient()
    api.force_authenticate(planner)
    assert api.post(f"/api/v1/reports/{YEAR}/").json()["job"]["id"] == alive.pk
    assert _claim(alive.pk) is None  # a second delivery does not run it twice
    assert jobs_requeue() == 0
    alive.refresh_from_db()
    assert alive.status == JobStatus.RUNNING and alive.attempts == 1


def test_requeue_jobs_takes_up_a_running_job_whose_heartbeat_stopped(
    db, eager, settings, django_capture_on_commit_callbacks
):
    """Reproduces item 7: requeue-jobs found nothing while a dead job stayed running."""
    with django_capture_on_commit_callbacks(execute=False):
        job = job_create(kind="refresh_summaries")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, started_at=timezone.now(), enqueued_at=timezone.now()
    )
    job.refresh_from_db()
    assert not job_is_dead(job)
    assert jobs_requeue() == 0
    with later(settings.JOB_STALE_AFTER + 5):
        assert job_is_dead(job)
        assert jobs_requeue() == 1  # beat's requeue-jobs: sent again, run again (eager here)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2 and job.heartbeat_at is not None


def test_the_report_stops_at_its_time_limit_and_stores_nothing(
    db, eager, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """REPORT_TIME_LIMIT: past it the job fails, checked before the files are stored."""
    import time

    import portal.annual_reports as annual_reports

    settings.REPORT_TIME_LIMIT = 1
    monkeypatch.setattr(annual_reports, "report_pdf", lambda context: time.sleep(1.5) or b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        report = annual_reports.annual_report_ensure(fiscal_year=YEAR)
    job = Job.objects.get(pk=report.job_id)
    assert job.status == JobStatus.FAILED and "time limit" in job.error
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.FAILED and not report.pdf


# --- The embedded default: never inside the request -----------------------------------------


@pytest.fixture
def in_thread(committed_db, eager, settings):
    """The embedded default as served: tasks eager, the report in a thread of its own."""
    settings.JOBS_EAGER_IN_THREAD = True


def test_the_pdf_is_made_in_a_thread_never_inside_the_readers_request(
    in_thread, client, monkeypatch
):
    """Reproduces item 6: an anonymous GET /reports/<year>.pdf made the PDF itself (45.6 s).
    Here the rendering waits until the reader has had the answer: were it inside the
    request, the request would wait for it, and the test would fail after 60 s."""
    import portal.annual_reports as annual_reports

    answered = threading.Event()
    original = annual_reports.report_pdf

    def after_the_answer(context):
        assert answered.wait(60), "the PDF was made inside the request"
        return original(context)

    monkeypatch.setattr(annual_reports, "report_pdf", after_the_answer)
    response = client.get(f"/reports/{YEAR}.pdf")
    answered.set()
    assert response.status_code == 202 and response["Retry-After"]
    job = wait_for_job(AnnualReport.objects.get(fiscal_year=YEAR).job_id, timeout=300)
    assert job.status == JobStatus.SUCCEEDED, job.error
    stored = client.get(f"/reports/{YEAR}.pdf")
    assert stored.status_code == 200 and stored["Content-Type"] == "application/pdf"
    assert b"".join(stored.streaming_content).startswith(b"%PDF")


def database_url() -> str:
    """The test database, for a subprocess."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def subprocess_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings",
        DATABASE_URL=database_url(),
        DEBUG="true",
        MEDIA_ROOT=str(tmp_path / "media"),
        **FAST_HEARTBEAT,
        **extra,
    )
    return env


# A process serving the PDF on the embedded default (no broker), whose report hangs in its
# thread until the process is killed.
SERVER = """
import time, django
django.setup()
import portal.annual_reports as annual_reports
annual_reports.report_pdf = lambda context: time.sleep(600)
from django.test import Client
print(Client().get("/reports/{year}.pdf", HTTP_HOST="127.0.0.1").status_code, flush=True)
time.sleep(600)
"""


def heartbeat_moves(job_id: int) -> bool:
    first = wait_for(lambda: Job.objects.get(pk=job_id).heartbeat_at, message="a heartbeat")
    return wait_for(
        lambda: Job.objects.get(pk=job_id).heartbeat_at > first, message="the heartbeat to move"
    )


def test_a_server_killed_while_making_the_report_leaves_no_dead_pdf(
    in_thread, client, settings, tmp_path
):
    """Reproduces item 7 on the embedded default: the server that made the report is killed
    (SIGKILL) mid-way; the next reader's GET starts a fresh job, which finishes."""
    settings.JOB_STALE_AFTER = 3
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(year=YEAR)],
        cwd=ROOT,
        env=subprocess_env(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().strip() == "202"  # answered at once …
        report = wait_for(
            lambda: AnnualReport.objects.filter(fiscal_year=YEAR, job__isnull=False).first(),
            message="the report's job",
        )
        dead = report.job
        wait_for(lambda: Job.objects.get(pk=dead.pk).status == JobStatus.RUNNING, message="run")
        assert heartbeat_moves(dead.pk)  # … and the work beats in its thread
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    wait_for(lambda: job_is_dead(Job.objects.get(pk=dead.pk)), message="the job to go silent")

    assert client.get(f"/reports/{YEAR}.pdf").status_code == 202
    report.refresh_from_db()
    assert report.job_id != dead.pk
    assert Job.objects.get(pk=dead.pk).status == JobStatus.FAILED
    job = wait_for_job(report.job_id, timeout=300)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert client.get(f"/reports/{YEAR}.pdf").status_code == 200


# --- Celery on Redis: a worker killed mid-job ---------------------------------------------------


def start_worker(tmp_path: Path, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kumamoto_welfare",
            "worker",
            "--pool=solo",
            f"--queues={crash_jobs.QUEUE}",
            "--include=tests.jobs.crash_jobs",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=subprocess_env(tmp_path, REDIS_URL=django_settings.REDIS_URL),
        stdout=(tmp_path / f"{name}.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_job_is_replaced_and_the_job_finishes(committed_db, settings, tmp_path):
    """Reproduces item 7 on Redis: a real worker (a subprocess) is killed with SIGKILL in the
    middle of a job; beat's requeue-jobs finds the silent job and sends it again, and the
    next worker finishes it."""
    require_broker()
    from kumamoto_welfare.celery import app

    settings.JOB_STALE_AFTER = 3
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(crash_jobs.QUEUE)  # left by an earlier run
    marker = tmp_path / "started"
    with transaction.atomic():
        job = job_create(kind=crash_jobs.KIND, params={"marker": str(marker)})

    first = start_worker(tmp_path, "first")
    try:
        wait_for(marker.exists, timeout=120, message="the first worker to start the job")
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
        assert heartbeat_moves(job.pk)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING  # left behind
    wait_for(lambda: job_is_dead(Job.objects.get(pk=job.pk)), message="the job to go silent")
    assert jobs_requeue() == 1  # what beat's requeue-jobs runs
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

    second = start_worker(tmp_path, "second")
    try:
        done = wait_for_job(job.pk, timeout=120)
    finally:
        second.terminate()
        second.wait(timeout=60)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.attempts == 2 and done.result["pid"] == second.pid
