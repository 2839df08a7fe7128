"""The suite runs in two pytest-xdist workers (`make test`; XDIST=0 for one process). Each
worker has its own test database (pytest-django) and its own Redis database
(tests/conftest.py); tests that share an expensive set-up share a worker."""

import os

import pytest
from django.conf import settings

from tests.conftest import SESSION_REDIS_URL, worker_redis_url, xdist_scope


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "gw0", "redis://127.0.0.1:6379/0"),
        ("redis://127.0.0.1:6379/0", "gw1", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/8", "gw3", "redis://127.0.0.1:6379/11"),
        ("redis://127.0.0.1:6379", "gw1", "redis://127.0.0.1:6379/1"),
        ("rediss://:pw@cache:6380/2?ssl_cert_reqs=none", "gw1",
         "rediss://:pw@cache:6380/3?ssl_cert_reqs=none"),
    ],
)  # fmt: skip
def test_each_worker_takes_its_own_redis_database(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


def test_a_url_that_is_not_redis_is_refused():
    with pytest.raises(ValueError, match="not a redis:// URL"):
        worker_redis_url("memory://", "gw1")


def test_cache_broker_results_and_subprocesses_use_this_workers_redis():
    """Reproduces: under xdist both workers flushed, and took tasks from, one Redis database
    (a worker's cache.clear() emptied the other's; a Celery worker ran the other worker's
    job against the wrong test database)."""
    from kumamoto_welfare.celery import app

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    expected = (
        worker_redis_url(SESSION_REDIS_URL, worker)
        if worker and SESSION_REDIS_URL
        else SESSION_REDIS_URL
    )
    assert expected == settings.REDIS_URL
    assert os.environ.get("REDIS_URL", "") == expected
    assert app.conf.broker_url == (expected or "memory://")
    if expected:
        assert settings.CACHES["default"]["LOCATION"] == expected
        assert app.conf.result_backend == expected


def test_tests_that_share_a_set_up_are_scheduled_together(request):
    """Reproduces: with `xdist_group` marks, pytest 9.2 and xdist 3.8 still sent the browser
    tests to both workers, and each built its own served app (a minute or more each)."""
    for item in request.session.items:
        if item.get_closest_marker("browser"):
            assert xdist_scope(item.nodeid) == "tests/browser/", item.nodeid
    assert xdist_scope("tests/browser/test_pages_in_chromium.py::test_language_switch") == (
        xdist_scope("tests/browser/test_search_in_chromium.py::test_x[phone]")
    )
    assert xdist_scope("tests/test_council_report.py::test_every_page_is_a4") == (
        xdist_scope("tests/test_council_report.py::test_indicators_appear_in_plan_order")
    )
    assert xdist_scope("tests/test_pages.py::test_home") == "tests/test_pages.py::test_home"
