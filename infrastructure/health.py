"""/healthz: is the app able to work? JSON for load balancers and people, no login, no
secrets (no URLs, hosts or error messages: only which check failed and its error's type).

- ``database``: a query answers.
- ``cache``: Redis answers a PING (local memory on the embedded default: always up).
- ``broker``: a connection to the Celery broker opens (eager mode: no broker needed).
- ``worker``: some worker ran the heartbeat task (sent by beat every minute) within
  ``HEALTHZ_WORKER_MAX_AGE`` seconds (eager mode: the web process is the worker).

200 when every check passes, else 503. ``jobs`` reports the work waiting in the database,
and how much of it could not be handed to the broker; it does not fail the check.
"""

from __future__ import annotations

import datetime
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _cache() -> dict:
    # django-redis ignores Redis errors on cache calls (IGNORE_EXCEPTIONS: a miss), so ask
    # its client directly, which raises.
    if not hasattr(cache, "client") or not hasattr(cache.client, "get_client"):
        return {"ok": True, "backend": "local"}
    cache.client.get_client(write=True).ping()
    return {"ok": True, "backend": "redis"}


def _eager() -> bool:
    return current_app.conf.task_always_eager


def _broker() -> dict:
    if _eager():
        return {"ok": True, "mode": "eager"}
    with current_app.connection_for_write() as conn:
        # One quick retry, not kombu's default pause of 2 s: /healthz answers within 2 s.
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=1
        )
    return {"ok": True}


def _worker() -> dict:
    if _eager():
        return {"ok": True, "mode": "eager"}
    from infrastructure.jobs.models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if latest is None:
        return {"ok": False, "last_seen": None}
    age = (timezone.now() - latest).total_seconds()
    return {
        "ok": age <= settings.HEALTHZ_WORKER_MAX_AGE,
        "last_seen": latest.isoformat(),
        "age_seconds": round(age),
    }


def _jobs() -> dict:
    from infrastructure.jobs.models import Job, JobStatus

    queued = Job.objects.filter(status=JobStatus.QUEUED)
    return {
        "queued": queued.count(),
        "not_sent": queued.exclude(enqueue_error="").count(),
        "failed_last_day": Job.objects.filter(
            status=JobStatus.FAILED, finished_at__gte=timezone.now() - datetime.timedelta(days=1)
        ).count(),
    }


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


@never_cache
def healthz(request):
    started = time.monotonic()
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as error:
            checks[name] = {"ok": False, "error": type(error).__name__}
    body = {
        "status": "ok" if all(c["ok"] for c in checks.values()) else "fail",
        "checks": checks,
    }
    if checks["database"]["ok"]:
        try:
            body["jobs"] = _jobs()
        except Exception as error:
            body["jobs"] = {"error": type(error).__name__}
    body["time"] = timezone.now().isoformat()
    body["duration_ms"] = round((time.monotonic() - started) * 1000)
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
