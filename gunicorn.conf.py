"""Gunicorn's settings for the web container (Dockerfile, docker-compose.yml); each can be
changed from the environment. See docs/operations.md for sizing and scaling out."""

import os


def _int(name: str, default: int, minimum: int) -> int:
    """A whole number of at least ``minimum``; anything else stops gunicorn at start-up, as
    the app's settings do for theirs (kumamoto_welfare/settings.py)."""
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise SystemExit(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return value


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this container may use
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Requests are short and mostly wait on the database: two workers a CPU and one more,
# capped, as gunicorn's documentation advises. WEB_CONCURRENCY overrides.
workers = _int("WEB_CONCURRENCY", min(2 * _cpus() + 1, 12), minimum=1)
threads = _int("GUNICORN_THREADS", 1, minimum=1)
# A request still running after this is killed and answered 502: the longest legitimate
# one is an import in the request (larger ones go to the worker).
timeout = _int("GUNICORN_TIMEOUT", 60, minimum=1)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=0)
keepalive = _int("GUNICORN_KEEPALIVE", 5, minimum=0)
# Recycle workers now and then, so that a slow leak never grows into an outage.
# 0: never recycle.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max_requests // 10
# The app is loaded once in the master, then forked: faster start, less memory.
preload_app = True
# Access log to stdout, error log to stderr, JSON like the app's (LOG_FORMAT=console for
# gunicorn's usual lines).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
_debug = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "console" if _debug else "json").lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "infrastructure.observability.logs.JsonFormatter"},
            "access": {"()": "infrastructure.observability.logs.GunicornAccessJsonFormatter"},
        },
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        # Django's own LOGGING takes the root logger over once the app is loaded.
        "root": {"handlers": ["error"], "level": loglevel.upper()},
        "loggers": {
            "gunicorn.error": {
                "handlers": ["error"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
