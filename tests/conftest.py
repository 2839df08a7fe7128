"""Shared fixtures. The test database is migrated (roles) and holds the plan and its wards, loaded
once per session by the real ``load_plan``; each test runs in a transaction rolled back after
it. Personas, as in the docs: 中央区 officer ``chuo_officer``, 東区 officer ``higashi_officer``,
``dept_officer`` (an officer of the department responsible for section 1-2 and initiative
1-2-1), ``planner``, ``city_admin``."""

import pytest
from django.core.management import call_command

from community.models import Ward
from community.services import staff_create
from kumamoto_welfare.access import Role

PASSWORD = "kumamoto-test-password-2026"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, as in production, not Django's shared
    in-memory one: with it the live server would hand one connection to every request
    thread, and nothing would run concurrently (tests/kumamoto_welfare/test_concurrency.py)."""
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
def _fresh_summaries():
    """Each test's rolled-back rows must not linger in cached summaries: start every test on
    a new data generation (without flushing a Redis that may hold other data)."""
    from kumamoto_welfare.response_cache import bump_generation

    bump_generation()


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
