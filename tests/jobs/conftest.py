"""Fixtures for the background jobs.

``worker``: a real Celery worker (a thread of this process, solo pool) consuming the real
Redis broker of REDIS_URL. Tests that use it commit their data (the worker has its own
database connection), so they run with ``committed_db`` (tests/conftest.py). Without
REDIS_URL they are skipped, except where REQUIRE_SERVICES=1 (CI's PostgreSQL+Redis pass):
there a missing Redis is a failure.
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


# ``committed_db`` lives in tests/conftest.py: the live-server and backup tests use it too, and
# a session fixture defined twice would take its snapshot twice (the second after a flush).


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
    from infrastructure.jobs.models import Job

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
