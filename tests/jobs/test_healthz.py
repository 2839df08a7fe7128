"""/healthz: database, cache/broker and a recent worker heartbeat, as JSON, 200 or 503."""

import datetime

from django.utils import timezone

from infrastructure.jobs.models import WorkerHeartbeat
from kumamoto_welfare.celery import app

from .conftest import wait_for


def test_healthz_needs_no_login_and_reports_each_check(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert body["checks"]["database"]["ok"] is True
    if app.conf.task_always_eager:
        assert response.status_code == 200 and body["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_stale_heartbeat_fails_the_worker_check(client, db, settings):
    if app.conf.task_always_eager:
        app.conf.task_always_eager = False
        try:
            response = client.get("/healthz")
        finally:
            app.conf.task_always_eager = True
        assert response.json()["checks"]["worker"]["ok"] is False
        assert response.status_code == 503
    WorkerHeartbeat.objects.create(
        hostname="old", seen_at=timezone.now() - datetime.timedelta(hours=1)
    )
    if not app.conf.task_always_eager:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["worker"]["age_seconds"] >= 3600


def test_a_heartbeat_from_a_real_worker_makes_healthz_green(worker, client):
    from infrastructure.jobs.tasks import heartbeat

    heartbeat.delay()
    wait_for(WorkerHeartbeat.objects.exists, message="a heartbeat")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["cache"]["backend"] == "redis"
