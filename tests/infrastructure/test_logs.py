"""Logs for operations: a request id on every request and its log lines, JSON lines in
production and readable ones in development, and the audit events (failed and successful
sign-ins, refused actions) with who, where and why."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infrastructure.observability.logs import (
    ContextFilter,
    GunicornAccessJsonFormatter,
    JsonFormatter,
)
from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.conftest import PASSWORD
from tests.factories import value

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_lines():
    """The JSON lines the audit logger writes during the test, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("kumamoto_welfare.audit")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_every_answer_carries_a_request_id(client):
    first, second = client.get("/healthz"), client.get("/api/v1/indicators/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    # A proxy's id is kept, so that its log and ours meet; a hostile one is replaced.
    assert client.get("/", HTTP_X_REQUEST_ID="lb-42.a:b")["X-Request-ID"] == "lb-42.a:b"
    for hostile in ("x\nfake log line", "a" * 65, "<script>"):
        answered = client.get("/", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
        assert answered != hostile and len(answered) == 32


def test_a_failed_admin_login_is_logged_with_the_request_id(client, planner, audit_lines):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "planner", "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200  # the form again, with its error
    (line,) = audit_lines()
    assert line["event"] == "login_failed" and line["level"] == "WARNING"
    assert line["username"] == "planner" and line["remote_addr"] == "203.0.113.7"
    assert line["path"] == "/admin/login/"
    assert line["request_id"] == response["X-Request-ID"]
    assert "wrong" not in json.dumps(line)  # never the password


def test_a_failed_token_request_is_logged_and_a_good_login_too(client, planner, audit_lines):
    refused = client.post("/api/v1/auth/token/", {"username": "planner", "password": "nope"})
    assert refused.status_code == 400
    signed_in = client.post(
        "/admin/login/?next=/admin/", {"username": "planner", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    events = [(line["event"], line["username"], line["path"]) for line in audit_lines()]
    assert events == [
        ("login_failed", "planner", "/api/v1/auth/token/"),
        ("login", "planner", "/admin/login/"),
    ]


def test_a_refused_action_is_logged_with_user_and_reason(chuo_officer, audit_lines):
    other = value(ward_code="higashi", status=Status.APPROVED)  # visible, not theirs
    response = client_for(chuo_officer).patch(
        f"/api/v1/indicator-values/{other.pk}/",
        {"value": "1"},
        HTTP_IF_MATCH=other.etag,
        HTTP_ACCEPT_LANGUAGE="en",
        format="json",
    )
    assert response.status_code == 403
    (line,) = audit_lines()
    assert line["event"] == "action_refused"
    assert (line["username"], line["action"]) == ("chuo_officer", "change")
    assert line["target"] == f"indicators.IndicatorValue:{other.pk}"
    # In the installation's language, whatever the user reads.
    assert line["reason"] == "他の区のデータは登録・変更できません。"
    assert line["request_id"] == response["X-Request-ID"]


def test_json_lines_keep_japanese_and_the_traceback():
    record = logging.LogRecord(
        "kumamoto_welfare.x", logging.ERROR, __file__, 1, "失敗 %s", ("A",), None
    )
    try:
        raise ValueError("壊れた")
    except ValueError:
        record.exc_info = sys.exc_info()
    ContextFilter().filter(record)
    text = JsonFormatter().format(record)
    line = json.loads(text)
    assert "失敗 A" in text and line["message"] == "失敗 A"
    assert (line["level"], line["logger"]) == ("ERROR", "kumamoto_welfare.x")
    assert "壊れた" in line["exc_info"] and "time" in line
    assert "request_id" not in line  # outside a request
    assert "tenant" not in line  # no municipality's work


def test_a_line_names_the_municipality_the_work_is_for():
    """Issue 22: with several municipalities on one installation, each line of a request or
    job says whose work it was."""
    from infrastructure import tenancy

    record = logging.LogRecord("kumamoto_welfare.x", logging.INFO, __file__, 1, "済", (), None)
    with tenancy.activated(tenancy.Tenant(7, "993018")):
        ContextFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["tenant"] == "993018"


def test_gunicorn_access_lines_are_json_with_the_request_id():
    atoms = {
        "h": "10.0.0.5",
        "m": "GET",
        "U": "/api/v1/indicators/",
        "q": "",
        "H": "HTTP/1.1",
        "s": "200",
        "B": "6239",
        "M": 61,
        "a": "curl/8",
        "f": "-",
        "{x-request-id}o": "abc123",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms  # as gunicorn's logger passes them
    line = json.loads(GunicornAccessJsonFormatter().format(record))
    assert line["status"] == 200 and line["duration_ms"] == 61
    assert (line["method"], line["path"], line["request_id"]) == (
        "GET",
        "/api/v1/indicators/",
        "abc123",
    )
    assert "referer" not in line and "query" not in line


@pytest.mark.parametrize(("debug", "json_lines"), [("false", True), ("true", False)])
def test_production_logs_json_and_development_readable_lines(debug, json_lines):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG=debug, SECRET_KEY="k" * 50, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    env.pop("LOG_FORMAT", None)
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('kumamoto_welfare.audit').warning('記録 %s', 1, extra={'event': 'x'})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    (text,) = result.stderr.strip().splitlines()
    if json_lines:
        line = json.loads(text)
        assert (line["message"], line["event"], line["logger"]) == (
            "記録 1",
            "x",
            "kumamoto_welfare.audit",
        )
    else:
        assert text.endswith("WARNING kumamoto_welfare.audit [-] 記録 1")


def test_a_bad_log_format_stops_start_up():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(LOG_FORMAT="xml", DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "LOG_FORMAT must be one of json, console" in result.stderr
