"""The Celery settings that keep tasks from running twice, forever, or never (see the
Celery notes in docs/jobs.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings

from kumamoto_welfare.celery import app

ROOT = Path(__file__).resolve().parents[2]
OUR_TASKS = {
    "infrastructure.jobs.tasks.run_job",
    "infrastructure.jobs.tasks.heartbeat",
    "infrastructure.jobs.tasks.requeue_jobs",
    "infrastructure.jobs.tasks.purge_finished_jobs",
    "infrastructure.imports.tasks.purge_uploads",
    "indicators.tasks.send_reporting_reminders",
    "portal.tasks.send_submission_digests",
}


@pytest.fixture(autouse=True)
def tasks_registered():
    """Every app's tasks module imported (as a worker does at start), whichever test runs
    first or alone."""
    app.loader.import_default_modules()


def test_every_task_has_time_limits_and_retries_with_back_off():
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert set(ours) == OUR_TASKS
    for name, task in ours.items():
        assert task.time_limit and task.soft_time_limit < task.time_limit, name
        assert task.autoretry_for and task.retry_backoff, name
        # Only idempotent tasks acknowledge late; all of ours are (see their docstrings).
        assert task.acks_late and task.reject_on_worker_lost, name


def test_the_visibility_timeout_outlasts_the_longest_task_and_retry():
    longest_task = max(
        task.time_limit or 0 for name, task in app.tasks.items() if name in OUR_TASKS
    )
    longest_retry = max(getattr(app.tasks[name], "retry_backoff_max", 0) for name in OUR_TASKS)
    for options in (app.conf.broker_transport_options, app.conf.result_backend_transport_options):
        assert options["visibility_timeout"] > longest_task + longest_retry
    assert app.conf.result_expires  # results do not pile up in Redis
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_acks_late is False  # set per (idempotent) task


def test_schedules_live_in_code_in_the_citys_time_zone():
    assert app.conf.timezone == settings.TIME_ZONE == "Asia/Tokyo"
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= OUR_TASKS
    reminders = schedule["reporting-reminders"]["schedule"]
    assert isinstance(reminders, crontab)
    assert reminders.hour == {8} and reminders.minute == {30}
    assert "infrastructure.jobs.tasks.heartbeat" in {entry["task"] for entry in schedule.values()}


EMAIL_PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT]))"
)


def email_settings(**environment) -> list:
    """The e-mail settings a fresh interpreter reads from ``environment``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("EMAIL_") and k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    result = subprocess.run(
        [sys.executable, "-c", EMAIL_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_mail_goes_to_the_console_by_default_and_through_smtp_when_configured():
    assert email_settings()[0] == "django.core.mail.backends.console.EmailBackend"
    assert email_settings(EMAIL_URL="smtp+tls://user:pw@mail.example.jp:587") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.jp",
        587,
    ]
    assert email_settings(EMAIL_HOST="mail.example.jp")[0].endswith("smtp.EmailBackend")
