"""With Redis gone (a closed port for both the cache and the broker) the app still serves
pages and API reads and writes; work it cannot queue stays recorded and is sent later."""

import datetime
import socket
import time

import pytest
import redis

from infrastructure.jobs.models import Job, JobStatus
from infrastructure.jobs.services import jobs_requeue
from infrastructure.redis_pool import RETRY_AFTER, QuickFailConnectionPool
from kumamoto_welfare.celery import app
from tests.api.conftest import client_for

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _reset_connections():
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)  # the result backend, built again from the URL


def _point_redis_at(settings, url: str):
    """The cache, the broker and the result backend on ``url``, configured as the settings
    configure a real Redis (django-redis with IGNORE_EXCEPTIONS, short timeouts)."""
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": settings.REDIS_SOCKET_TIMEOUT,
                "CONNECTION_POOL_CLASS": "infrastructure.redis_pool.QuickFailConnectionPool",
            },
        }
    }
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _reset_connections()
    return saved


@pytest.fixture
def redis_down(settings):
    """Redis gone (connections refused) for the cache, the broker and the result backend."""
    saved = _point_redis_at(settings, CLOSED)

    def restore():
        app.conf.update(saved)
        _reset_connections()

    yield restore
    restore()


@pytest.fixture
def cache_attempts(monkeypatch):
    """The times the cache's pool knocked on Redis's door (``QuickFailConnectionPool``): a
    page must not wait for Redis on each cache call, so the pool tries once, then refuses at
    once for ``RETRY_AFTER`` seconds. Checked at the end: at most one attempt per
    ``RETRY_AFTER`` the test took (counted, not timed: a loaded machine is slow anyway)."""
    attempts = []
    parent = redis.ConnectionPool.get_connection

    def counted(pool, *args, **kwargs):
        if isinstance(pool, QuickFailConnectionPool):
            attempts.append(time.monotonic())
        return parent(pool, *args, **kwargs)

    monkeypatch.setattr(redis.ConnectionPool, "get_connection", counted)
    started = time.monotonic()
    yield attempts
    allowed = 1 + int((time.monotonic() - started) / RETRY_AFTER)
    assert len(attempts) <= allowed, f"{len(attempts)} attempts, {allowed} allowed"


@pytest.fixture
def redis_blackholed(settings, db):
    """Redis unreachable the slow way (a host down, a firewall dropping packets): a port
    whose accept queue is full, so that connecting times out instead of being refused.
    The pages are served once before, so that what is timed is Redis, not a cold start."""
    for path in ("/", "/api/v1/indicators/"):
        client_for().get(path)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    probe = socket.socket()
    probe.settimeout(0.3)
    with pytest.raises(OSError):  # a timeout: the port is black-holed as wanted
        probe.connect(("127.0.0.1", port))
    probe.close()
    saved = _point_redis_at(settings, f"redis://127.0.0.1:{port}/0")
    yield
    app.conf.update(saved)
    _reset_connections()
    for sock in (*fillers, listener):
        sock.close()


def test_pages_stay_quick_when_connecting_to_redis_times_out(
    redis_blackholed, cache_attempts, chuo_officer, planner, django_capture_on_commit_callbacks
):
    reader = client_for()
    for path in ("/", "/pillars/1/", "/api/v1/indicators/", "/api/v1/dashboard/?fiscal_year=2015"):
        assert reader.get(path).status_code == 200, path
    chuo = client_for(chuo_officer)
    created = chuo.post(
        "/api/v1/indicator-values/",
        {
            "indicator": "KPI-3-1",
            "ward": "中央区",
            "fiscal_year": "平成27年度",
            "kind": "actual",
            "value": "23456",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    submitted = chuo.post(
        f"/api/v1/indicator-values/{created.json()['id']}/submit/", HTTP_IF_MATCH=created["ETag"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(planner).post(
            f"/api/v1/indicator-values/{created.json()['id']}/approve/",
            HTTP_IF_MATCH=submitted["ETag"],
        )
    assert approved.status_code == 200
    assert Job.objects.get(kind="refresh_summaries").enqueue_error  # kept for later
    assert cache_attempts  # the pages did try the cache, and were not held up by it


def test_pages_and_api_reads_and_writes_work_without_redis(
    redis_down, cache_attempts, chuo_officer, planner, django_capture_on_commit_callbacks
):
    for path in ("/", "/pillars/1/", "/reports/2015/", "/api/v1/indicators/"):
        assert client_for().get(path).status_code == 200, path
    dashboard = client_for().get("/api/v1/dashboard/?fiscal_year=2015")
    assert dashboard.status_code == 200
    assert client_for(planner).get("/api/v1/dashboard/?fiscal_year=2015").status_code == 200

    chuo = client_for(chuo_officer)
    created = chuo.post(
        "/api/v1/indicator-values/",
        {
            "indicator": "KPI-3-1",
            "ward": "中央区",
            "fiscal_year": "平成27年度",
            "kind": "actual",
            "value": "23456",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    record = created.json()
    submitted = chuo.post(
        f"/api/v1/indicator-values/{record['id']}/submit/", HTTP_IF_MATCH=created["ETag"]
    )
    assert submitted.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(planner).post(
            f"/api/v1/indicator-values/{record['id']}/approve/", HTTP_IF_MATCH=submitted["ETag"]
        )
        asked = client_for(planner).post("/api/v1/reports/2015/")
    assert approved.status_code == 200
    assert asked.status_code == 202

    # The approval shows at once (nothing stale is served from a cache that is not there).
    after = client_for().get("/api/v1/dashboard/?fiscal_year=2015").json()
    chuo_row = next(w for w in after["wards"] if w["ward"] == "中央区")
    assert chuo_row["indicator_values"]["approved"] == 1

    # The work that could not be queued is recorded, with why, and reported.
    waiting = Job.objects.filter(status=JobStatus.QUEUED)
    assert {job.kind for job in waiting} == {"refresh_summaries", "annual_report"}
    assert all(job.enqueue_error and job.enqueued_at is None for job in waiting)
    health = client_for().get("/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False
    assert body["jobs"]["not_sent"] == 2
    assert "127.0.0.1" not in health.content.decode()  # no addresses or secrets
    assert cache_attempts


def test_queued_work_is_sent_once_redis_is_back(
    redis_down, planner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(planner).post("/api/v1/reports/2015/").status_code == 202
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and job.enqueue_error

    assert jobs_requeue() == 0  # still down: nothing sent, nothing lost
    redis_down()  # Redis is back
    assert jobs_requeue(unsent_after=datetime.timedelta(0)) == 1

    job.refresh_from_db()
    if app.conf.task_always_eager:  # the embedded default runs it at once
        assert job.status == JobStatus.SUCCEEDED, job.error
    else:  # handed to the real broker, for a worker to run
        assert job.enqueued_at is not None and job.enqueue_error == ""


IMPORT = "/admin/indicators/indicatorvalue/import/"
ROWS = [
    ["指標コード", "指標名", "区", "年度", "種別", "値", "備考"],
    ["KPI-3-1", "", "中央区", "2015", "実績", "321", ""],
]


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.imports.files import csv_bytes

    return SimpleUploadedFile("values.csv", csv_bytes(ROWS))


def test_the_admin_import_previews_and_confirms_without_redis(
    redis_down, cache_attempts, client, chuo_officer, django_capture_on_commit_callbacks
):
    from indicators.models import IndicatorValue

    client.force_login(chuo_officer)
    admin = client
    preview = admin.post(IMPORT, {"file": _upload()})
    assert preview.status_code == 200 and preview.context["report"].ok
    token = preview.context["token"]
    assert token  # kept in the media storage, not the (unreachable) cache
    with django_capture_on_commit_callbacks(execute=True):
        done = admin.post(IMPORT, {"token": token})
    assert done.status_code == 200 and done.context["report"].written
    assert IndicatorValue.objects.get(origin="entry").value == 321


def test_a_background_import_waits_in_the_outbox_until_redis_is_back(
    redis_down, cache_attempts, client, chuo_officer, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_BYTES = 10  # every upload runs as a job
    client.force_login(chuo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(IMPORT, {"file": _upload()})
    assert started.status_code == 302
    job = Job.objects.get(kind="import")
    assert job.status == JobStatus.QUEUED and job.enqueue_error and job.enqueued_at is None
    assert client.get(started["Location"]).status_code == 200  # its status page

    redis_down()  # Redis is back
    assert jobs_requeue(unsent_after=datetime.timedelta(0)) == 1
    job.refresh_from_db()
    if app.conf.task_always_eager:  # the embedded default runs it at once
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.result["ok"] and job.result["counts"]["new"] == 1
    else:  # handed to the real broker, for a worker to run
        assert job.enqueued_at is not None and job.enqueue_error == ""


def test_a_community_write_without_redis_answers_and_its_recompute_waits_in_the_outbox(
    redis_down, chuo_officer, django_capture_on_commit_callbacks
):
    """The derived indicators' recompute goes through the job outbox like every task: a
    health town-planning record written while Redis is down is kept, and KPI-4-1 is
    recomputed once Redis is back."""
    from community.models import HealthTownPlanningRecord, SchoolDistrict, Ward

    SchoolDistrict.objects.create(code="C1", name="試験校区", ward=Ward.objects.get(code="chuo"))
    with django_capture_on_commit_callbacks(execute=True):
        created = client_for(chuo_officer).post(
            "/api/v1/health-town-planning/",
            {"school_district": "C1", "fiscal_year": "H27", "stage": 6},
            format="json",
        )
    assert created.status_code == 201, created.content
    assert HealthTownPlanningRecord.objects.count() == 1
    job = Job.objects.get(kind="recompute_derived_values")
    assert job.status == JobStatus.QUEUED and job.enqueue_error
    assert job.params == {"derivation": "districts_in_action", "fiscal_years": [2015]}

    redis_down()  # Redis is back
    assert jobs_requeue(unsent_after=datetime.timedelta(0)) == 1
    job.refresh_from_db()
    if app.conf.task_always_eager:  # the embedded default runs it at once
        from indicators.models import IndicatorValue

        assert job.status == JobStatus.SUCCEEDED, job.error
        derived = IndicatorValue.objects.get(
            indicator__code="KPI-4-1", fiscal_year=2015, ward__isnull=True, origin="derived"
        )
        assert derived.value == 1
    else:  # handed to the real broker, for a worker to run
        assert job.enqueued_at is not None and job.enqueue_error == ""
