"""Shared fixtures. The test database is migrated (roles) and holds the plan and its wards, loaded
once per session by the real ``load_plan``; each test runs in a transaction rolled back after
it. Personas, as in the docs: 中央区 officer ``chuo_officer``, 東区 officer ``higashi_officer``,
``dept_officer`` (an officer of the department responsible for section 1-2 and initiative
1-2-1), ``planner``, ``city_admin``."""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from community.access import Role
from community.models import Ward
from community.services import staff_create

PASSWORD = "kumamoto-test-password-2026"


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis database of one pytest-xdist worker: worker ``gwN`` takes the database
    number of ``url`` plus N, so that each worker has its own cache, broker queue and
    results (a cache.clear() is a FLUSHDB, and one worker's Celery worker must never take
    another's task: it would look for the job in the wrong test database)."""
    index = int(worker.removeprefix("gw"))
    match = re.fullmatch(r"(rediss?://[^/?#]*)(?:/(\d*))?(\?.*)?", url)
    if not match:
        raise ValueError(f"REDIS_URL is not a redis:// URL: {url!r}")
    base, number, query = match.groups()
    return f"{base}/{int(number or 0) + index}{query or ''}"


def _replaced(value, old: str, new: str):
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _replaced(item, old, new)
    elif isinstance(value, list):
        value[:] = [_replaced(item, old, new) for item in value]
    return value


SESSION_REDIS_URL = ""  # REDIS_URL as the run was started with (before the worker's number)


def _isolate_redis_per_worker() -> None:
    """Under pytest-xdist (`make test` runs two workers) point every setting that holds
    REDIS_URL (the cache, the broker, the result backend), and the environment handed to
    subprocesses, at this worker's own Redis database. Runs as this module is imported:
    after Django read its settings, before any test touched the cache or the broker."""
    from django.conf import settings

    global SESSION_REDIS_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    SESSION_REDIS_URL = old = settings.REDIS_URL
    if not worker or not old:
        return
    new = worker_redis_url(old, worker)
    for name in dir(settings):
        if name.isupper():
            value = getattr(settings, name)
            replaced = _replaced(value, old, new)
            if replaced is not value:
                setattr(settings, name, replaced)
    os.environ["REDIS_URL"] = new
    from kumamoto_welfare.celery import app

    # The Celery app reads its settings lazily; had it read them already, say so here.
    assert app.conf.broker_url == new, (app.conf.broker_url, new)


_isolate_redis_per_worker()


def _fast_password_hasher() -> None:
    """One fast hasher for the whole suite: the personas are made, and many tests log in,
    with a password, and PBKDF2's million rounds cost a quarter of a second of CPU each time
    (hundreds of times a run). The production hasher is Django's default, untouched; no test
    checks its cost. Set before any password is hashed (Django caches the hashers)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_fast_password_hasher()


SHIPPED_PLAN = Path(__file__).resolve().parents[1] / "programs" / "data" / "plan"


def _shipped_plan_folder() -> None:
    """The suite tests the shipped plan (and names the fixtures' plan folders itself), whatever
    plan folder PLAN_DATA_DIR names for a deployment (README "Another municipality"): the
    setting, and the environment handed to subprocesses, name the shipped folder. `make test`
    blanks the variable before Django starts; this covers a bare `pytest`."""
    from django.conf import settings

    settings.PLAN_DATA_DIR = SHIPPED_PLAN
    os.environ.pop("PLAN_DATA_DIR", None)


_shipped_plan_folder()


# Tests that share an expensive set-up run on one pytest-xdist worker, so that it is made once:
# the browser tests share one served app (tests/browser/conftest.py; some change its data for
# the tests after them), the council report's tests one rendered PDF (a module fixture).
SHARED_SET_UP = ("tests/browser/", "tests/test_council_report.py::")


def xdist_scope(nodeid: str) -> str:
    """The unit of work a test is scheduled in: its SHARED_SET_UP entry, else the test alone."""
    return next((prefix for prefix in SHARED_SET_UP if nodeid.startswith(prefix)), nodeid)


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (as `make test` runs it) by SHARED_SET_UP. The `xdist_group` mark
    does not group on pytest 9.2 (xdist 3.8 renames a test through `item._nodeid`, which
    pytest 9.2 no longer reads), so the scheduler groups by path instead."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedSetUpScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return SharedSetUpScheduling(config, log)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as in production, not Django's shared
    in-memory one: with it the live server would hand one connection to every request
    thread, and nothing would run concurrently (tests/infrastructure/test_concurrency.py)."""
    from django.conf import settings

    for alias in settings.DATABASES.values():
        if alias["ENGINE"].endswith("sqlite3"):
            folder = tmp_path_factory.mktemp("database")
            alias.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0)


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker):
    """The database as the session set it up (migrations and the plan), for
    ``serialized_rollback`` to restore before each committed-data test. Defined once, here:
    a second definition would take a second snapshot, after some test's flush."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def committed_db(reference_snapshot, django_db_serialized_rollback, transactional_db):
    """Data committed for real, so that other connections see it (a Celery worker, the
    live server's request threads, pg_dump): a transactional test that restores the
    reference data (wards, roles, the plan) from the snapshot, as the flush after a
    transactional test empties every table."""


@pytest.fixture(autouse=True)
def _city_language():
    """Each test starts in the city's language: a request in English (LocaleMiddleware
    activates it for the thread) must not carry over into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with the test client's address unthrottled: the anonymous API
    throttle (120 a minute) keeps its history in the cache, and a suite run in parallel asks
    more than that of one worker in a minute. Tests of the throttle set their own rate."""
    from django.core.cache import cache
    from rest_framework.throttling import AnonRateThrottle

    cache.delete(AnonRateThrottle.cache_format % {"scope": "anon", "ident": "127.0.0.1"})


@pytest.fixture(autouse=True)
def _fresh_summaries(request):
    """Each test's rolled-back rows must not linger in cached summaries: start every test on
    a new data generation (without flushing a Redis that may hold other data), and with
    the municipalities of this test's database, not a rolled-back one's."""
    from django.core.cache import cache

    from community.tenants import CACHE_KEY, tenants_refresh
    from infrastructure.response_cache import bump_generation

    bump_generation()
    cache.delete(CACHE_KEY)
    for name in ("db", "transactional_db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            tenants_refresh()
            return
    if request.node.get_closest_marker("django_db"):
        with contextlib.suppress(RuntimeError):  # the marker's database, not open yet
            tenants_refresh()


def _staff(username: str, role: Role, ward_code: str | None = None, department=None):
    ward = Ward.objects.get(code=ward_code) if ward_code else None
    return staff_create(
        username=username, role=role, password=PASSWORD, ward=ward, department=department
    )


def _department(name: str, section_code: str, initiative_code: str):
    """A department (所管課) made for a test, responsible for a section and an initiative of
    the current plan (the system itself knows no department)."""
    from community.models import Department, Municipality
    from programs.models import Initiative, Section
    from programs.selectors import current_plan

    plan = current_plan()
    department, _created = Department.objects.get_or_create(
        municipality=plan.municipality or Municipality.objects.get(), name=name
    )
    pillar, number = section_code.split("-")
    Section.objects.filter(pillar__plan=plan, pillar__number=pillar, number=number).update(
        department=department
    )
    Initiative.objects.filter(pillar__plan=plan, code=initiative_code).update(department=department)
    return department


@pytest.fixture
def welfare_department(db):
    """Responsible for section 1-2 and initiative 1-2-1."""
    return _department("地域福祉課", "1-2", "1-2-1")


@pytest.fixture
def other_department(db):
    """Responsible for section 1-1 and initiative 1-1-1."""
    return _department("高齢福祉課", "1-1", "1-1-1")


@pytest.fixture
def dept_officer(welfare_department):
    return _staff("dept_officer", Role.DEPARTMENT_OFFICER, department=welfare_department)


@pytest.fixture
def chuo_officer(db):
    return _staff("chuo_officer", Role.WARD_OFFICER, "chuo")


@pytest.fixture
def higashi_officer(db):
    return _staff("higashi_officer", Role.WARD_OFFICER, "higashi")


@pytest.fixture
def planner(db):
    return _staff("planner", Role.PLANNER)


@pytest.fixture
def city_admin(db):
    return _staff("city_admin", Role.ADMIN)


@pytest.fixture
def tasks_run_at_once():
    """Tasks queued on commit run in the test's process, with or without REDIS_URL: a test
    that checks what a task does has no worker beside it. Messages in Japanese, whatever an
    earlier test's request left active."""
    from django.utils import translation

    from kumamoto_welfare.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with translation.override("ja"):
        yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _jobs_inline(settings):
    """Without a broker the report's job runs in a thread of the web process
    (JOBS_EAGER_IN_THREAD). A test that rolls back holds its rows in an open transaction
    no other thread can see, so there jobs run inline as before; the tests of the thread
    itself (tests/jobs/test_dead_jobs.py) commit their data and switch it back on."""
    settings.JOBS_EAGER_IN_THREAD = False
