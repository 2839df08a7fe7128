"""The request id and the log formats (settings.LOGGING uses them)."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from infrastructure import tenancy

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# An id a proxy in front already gave the request is kept, if it looks like one.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id(incoming: str | None) -> str:
    if incoming and _VALID_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Puts ``request_id`` (``-`` outside a request), the tenant (the municipality's code the
    work is for, ``-`` for none: ``infrastructure.tenancy``) and, in a Celery worker,
    ``task_id`` on every record, for the formats to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "tenant"):
            tenant = tenancy.current()
            record.tenant = tenant.code if tenant is not None else "-"
        if not hasattr(record, "task_id"):
            from celery import current_task

            task = current_task
            record.task_id = getattr(getattr(task, "request", None), "id", None) or "-"
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object a line: time, level, logger, message, request id, task id, and every
    ``extra`` the caller gave; Japanese kept readable (no \\u escapes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s %(task_id)s",
            *args,
            **kwargs,
        )

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        for empty in ("request_id", "tenant", "task_id"):
            if log_data.get(empty) in ("-", None):
                log_data.pop(empty, None)


# Gunicorn's access log passes its request atoms as the record's args: the fields kept.
_ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "H": "protocol",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
    "{x-forwarded-for}i": "forwarded_for",
}


class GunicornAccessJsonFormatter(JsonFormatter):
    """Gunicorn's access log as JSON: one object a request, with the request id the app
    answered in X-Request-ID (gunicorn.conf.py)."""

    def add_fields(self, log_data, record, message_dict) -> None:
        atoms = record.args if isinstance(record.args, dict) else {}
        super().add_fields(log_data, record, message_dict)
        log_data["message"] = "request"
        for atom, field in _ACCESS_FIELDS.items():
            value = atoms.get(atom)
            if value not in (None, "-", ""):
                log_data[field] = int(value) if field in {"status", "duration_ms"} else value
