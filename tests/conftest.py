"""Shared fixtures. The test database is migrated (wards, roles) and holds the plan, loaded
once per session by the real ``load_plan``; each test runs in a transaction rolled back after
it. Personas, as in the docs: 中央区 officer ``chuo_officer``, 東区 officer ``higashi_officer``,
``planner``, ``city_admin``."""

import pytest
from django.core.management import call_command

from community.models import Ward
from community.services import staff_create
from kumamoto_welfare.access import Role

PASSWORD = "kumamoto-test-password-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0)


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
    from indicators.selectors import bump_generation

    bump_generation()


def _staff(username: str, role: Role, ward_code: str | None = None):
    ward = Ward.objects.get(code=ward_code) if ward_code else None
    return staff_create(username=username, role=role, password=PASSWORD, ward=ward)


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
