"""Fixtures for the background jobs.

``worker``: a real Celery worker (a thread of this process, solo pool) consuming the real
Redis broker of REDIS_URL. Tests that use it commit their data (the worker has its own
database connection), so they run with ``committed_db``: a transactional test that restores
the reference data (wards, roles, the plan) from a snapshot taken once, as the flush after
a transactional test empties every table. Without REDIS_URL they are skipped, except where
REQUIRE_SERVICES=1 (CI's PostgreSQL+Redis pass): there a missing Redis is a failure.
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Generated reports go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def require_broker() -> None:
    if settings.REDIS_URL:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set: the worker tests cannot run")
    pytest.skip("needs a real broker (set REDIS_URL)")


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker):
    """The database as the session set it up (migrations and the plan), for
    ``serialized_rollback`` to restore before each committed-data test."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def committed_db(reference_snapshot, django_db_serialized_rollback, transactional_db):
    """Data committed for real, so that the worker's own connection sees it."""


@pytest.fixture(scope="session")
def _worker_session(django_db_setup):
    require_broker()
    from celery.contrib.testing.worker import start_worker

    from kumamoto_welfare.celery import app

    app.control.purge()  # messages left by an earlier run refer to rows long gone
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
    ):
        yield app


@pytest.fixture
def worker(committed_db, _worker_session):
    return _worker_session


def wait_for(predicate, *, timeout: float = 30, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def wait_for_job(job_id: int, *, timeout: float = 60):
    from kumamoto_welfare.jobs.models import Job

    return wait_for(
        lambda: (job := Job.objects.get(pk=job_id)).finished and job,
        timeout=timeout,
        message=f"job {job_id}",
    )


@pytest.fixture
def eager():
    """Tasks run at once in this process, as on the embedded default, even with a broker."""
    from kumamoto_welfare.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
