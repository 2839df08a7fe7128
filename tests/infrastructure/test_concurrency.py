"""Concurrent writers against the live server, on whatever database the tests use: SQLite
(a file, as in production, with WAL, a busy timeout and IMMEDIATE transactions) or
PostgreSQL (row locks) when DATABASE_URL is set. Slower is fine; a 5xx never is.

The server is pytest-django's ``live_server`` (a threaded WSGI server): each request thread
opens its own database connection, because the test database is a file (tests/conftest.py)
and not SQLite's shared in-memory one, which the live server would share across threads."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from django.db import connection, transaction
from knox.models import AuthToken

from indicators.models import IndicatorValue
from infrastructure.workflow import Status
from tests.conftest import PASSWORD
from tests.factories import value

WRITERS = 20
URL = "/api/v1/indicator-values/"
WARDS = ["中央区", "東区", "西区", "南区", "北区"]


def call(opener, method: str, url: str, body=None, headers=None, form: bool = False):
    """(status, headers, parsed body) of one request; HTTP errors are answers, not raised."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with opener.open(request, timeout=120) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return status, answer_headers, parsed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def writer(base: str, token: str, index: int, shared_id: int, shared_etag: str, start):
    """One staff member's burst: create a record, change it, submit it, and try to change a
    record everybody else changes at the same moment."""
    opener = urllib.request.build_opener()
    auth = {"Authorization": f"Token {token}", "Accept-Language": "ja"}
    start.wait()
    statuses = []
    created = call(
        opener,
        "POST",
        base + URL,
        {
            "indicator": "KPI-3-1",
            "ward": WARDS[index % len(WARDS)],
            "fiscal_year": 2014 + index // len(WARDS),
            "kind": "actual",
            "value": str(100000 + index),
        },
        auth,
    )
    statuses.append(("create", created[0]))
    shared = call(
        opener,
        "PATCH",
        f"{base}{URL}{shared_id}/",
        {"value": str(120000 + index)},  # within the 50 % rule
        {**auth, "If-Match": shared_etag},
    )
    statuses.append(("shared", shared[0]))
    if created[0] == 201:
        own = created[2]["id"]
        changed = call(
            opener,
            "PATCH",
            f"{base}{URL}{own}/",
            {"value": str(110000 + index)},
            {**auth, "If-Match": created[1]["ETag"]},
        )
        statuses.append(("change", changed[0]))
        if changed[0] == 200:
            submitted = call(
                opener,
                "POST",
                f"{base}{URL}{own}/submit/",
                {},
                {**auth, "If-Match": changed[1]["ETag"]},
            )
            statuses.append(("submit", submitted[0]))
    read = call(opener, "GET", f"{base}/api/v1/indicators/KPI-3-1/", headers=auth)
    statuses.append(("read", read[0]))
    return statuses


@pytest.mark.usefixtures("committed_db")
def test_twenty_concurrent_writers_see_no_server_error(live_server, planner):
    _instance, token = AuthToken.objects.create(user=planner)  # each request checks it
    shared = value(ward_code="chuo", fiscal_year=2019, amount="115000")
    start = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(WRITERS) as pool:
        futures = [
            pool.submit(writer, live_server.url, token, i, shared.pk, shared.etag, start)
            for i in range(WRITERS)
        ]
        results = [f.result() for f in futures]

    flat = [pair for statuses in results for pair in statuses]
    assert not [pair for pair in flat if pair[1] >= 500], flat
    # Every writer's own records went through, however long they waited for the lock.
    for statuses in results:
        assert dict(statuses)["create"] == 201, statuses
        assert (dict(statuses)["change"], dict(statuses)["submit"]) == (200, 200), statuses
    # On the shared record exactly one change won; everybody else was told it had moved on.
    shared_answers = sorted(dict(statuses)["shared"] for statuses in results)
    assert shared_answers == [200] + [412] * (WRITERS - 1), shared_answers
    shared.refresh_from_db()
    assert shared.version == 2
    assert shared.history.count() == 2
    entered = IndicatorValue.objects.filter(origin="entry", indicator__code="KPI-3-1")
    assert entered.filter(status=Status.SUBMITTED, version=3).count() == WRITERS


def admin_login(base: str, username: str, start) -> int:
    """Sign in to the admin with a form post, as a browser does; the answer's status."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    start.wait()
    status, _, _ = call(opener, "GET", base + "/admin/login/")
    if status != 200:
        return status
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    status, headers, _ = call(
        opener,
        "POST",
        base + "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        {"Referer": base + "/admin/login/"},
        form=True,
    )
    if status == 302 and headers["Location"].endswith("/admin/"):
        return 302
    return status


@pytest.mark.usefixtures("committed_db")
def test_logins_wait_for_a_long_write_instead_of_failing(live_server, planner):
    """A long import holds the write lock for seconds; logins (which write the session and
    the last login) wait for it and then succeed. The write here is held longer than
    SQLite's old default busy timeout of five seconds."""
    held = value(ward_code="chuo", fiscal_year=2019)
    locked, release = threading.Event(), threading.Event()

    def long_import():
        try:
            with transaction.atomic():
                IndicatorValue.objects.filter(pk=held.pk).update(note="取り込み中")
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    importer = threading.Thread(target=long_import)
    importer.start()
    assert locked.wait(30)
    start = threading.Barrier(10)
    try:
        with ThreadPoolExecutor(10) as pool:
            futures = [
                pool.submit(admin_login, live_server.url, planner.username, start)
                for _ in range(10)
            ]
            time.sleep(8)
            release.set()
            answers = [f.result() for f in futures]
    finally:
        release.set()
        importer.join(60)
    assert answers == [302] * 10
    held.refresh_from_db()
    assert held.note == "取り込み中"
