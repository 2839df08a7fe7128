"""Settings come from the environment. Each case starts a fresh interpreter with its own
environment, since settings are read once at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")

PROBE = """
import json, django
django.setup()
from django.conf import settings
from kumamoto_welfare.celery import app
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "hosts": settings.ALLOWED_HOSTS,
    "time_zone": settings.TIME_ZONE,
    "celery_tz": app.conf.timezone,
    "language": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES],
    "i18n": settings.USE_I18N,
}))
"""


def run_probe(**environment):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(**environment) -> dict:
    result = run_probe(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_need_nothing_set():
    settings = probe()
    assert settings["debug"] is True
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"].endswith("db.sqlite3")
    assert settings["cache"].endswith("LocMemCache")
    assert settings["eager"] is True
    assert settings["broker"] == "memory://"
    assert settings["time_zone"] == settings["celery_tz"] == "Asia/Tokyo"
    assert settings["language"] == "ja"
    assert settings["languages"] == ["ja", "en"]
    assert settings["i18n"] is True


def test_database_and_redis_urls_switch_to_the_real_services():
    settings = probe(
        DATABASE_URL="postgres://welfare:secret@db.example:5432/welfare",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "welfare"
    # django-redis, with IGNORE_EXCEPTIONS: Redis down is a cache miss, not a 500.
    assert settings["cache"] == "django_redis.cache.RedisCache"
    assert settings["cache_options"]["IGNORE_EXCEPTIONS"] is True
    assert settings["cache_options"]["SOCKET_CONNECT_TIMEOUT"] <= 1
    assert settings["cache_options"]["SOCKET_TIMEOUT"] <= 1
    assert settings["eager"] is False
    assert settings["broker"] == "redis://cache.example:6379/1"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_probe(DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key_and_its_hosts():
    settings = probe(DEBUG="False", SECRET_KEY="x" * 50, ALLOWED_HOSTS="welfare.example,other")
    assert settings["debug"] is False
    assert settings["hosts"] == ["welfare.example", "other"]


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_boolean_is_an_error_at_start_up(value):
    result = run_probe(DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(("value", "debug"), [("0", False), ("off", False), ("Yes", True)])
def test_booleans_are_read_in_the_usual_spellings(value, debug):
    assert probe(DEBUG=value, SECRET_KEY="x" * 50)["debug"] is debug


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("IMPORT_MAX_ROWS", "0", "IMPORT_MAX_ROWS must be a positive number"),
        ("IMPORT_MAX_CELL_CHARS", "200000", "IMPORT_MAX_CELL_CHARS may not exceed 131072"),
        ("REDIS_CONNECT_TIMEOUT", "0", "REDIS_CONNECT_TIMEOUT must lie in"),
    ],
)
def test_import_limits_and_redis_timeouts_are_checked_at_start_up(variable, value, message):
    result = run_probe(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
