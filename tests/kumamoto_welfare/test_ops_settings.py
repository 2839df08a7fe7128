"""The operational settings: SQLite's concurrency options, backups, logs and key rotation
(docs/operations.md). Each case starts a fresh interpreter, as settings are read once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "options": db.get("OPTIONS", {}),
    "backups": str(settings.STORAGES["dbbackup"]["OPTIONS"]["location"]),
    "keep": settings.DBBACKUP_CLEANUP_KEEP,
    "fallbacks": settings.SECRET_KEY_FALLBACKS,
    "log_format": settings.LOGGING["handlers"]["console"]["formatter"],
    "first_middleware": settings.MIDDLEWARE[0],
}))
"""


def probe(**environment) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "LOG_FORMAT"}
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_queues_writers_with_wal_immediate_and_a_busy_timeout():
    options = probe()["options"]
    assert options == {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    assert probe(SQLITE_BUSY_TIMEOUT="90")["options"]["timeout"] == 90


def test_postgresql_keeps_its_own_options():
    options = probe(DATABASE_URL="postgres://welfare:secret@db.example:5432/welfare")["options"]
    assert "transaction_mode" not in options and "init_command" not in options


@pytest.mark.django_db
def test_the_test_database_runs_in_wal_mode_too():
    if connection.vendor != "sqlite":
        pytest.skip("WAL is SQLite's")  # PostgreSQL: the same tests run on its row locks
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert not connection.is_in_memory_db()  # the live server's threads get connections


def test_backups_go_where_backup_dir_says(tmp_path):
    settings = probe()
    assert settings["backups"] == str(ROOT / "backups") and settings["keep"] == 30
    settings = probe(BACKUP_DIR=str(tmp_path), BACKUP_KEEP="7")
    assert (settings["backups"], settings["keep"]) == (str(tmp_path), 7)


def test_an_old_secret_key_can_stay_as_a_fallback_while_rotating():
    assert probe()["fallbacks"] == []
    rotated = probe(DEBUG="false", SECRET_KEY="n" * 50, SECRET_KEY_FALLBACKS="o" * 50)
    assert rotated["fallbacks"] == ["o" * 50]


def test_logs_are_json_in_production_and_readable_in_development():
    assert probe()["log_format"] == "console"
    production = probe(DEBUG="false", SECRET_KEY="n" * 50)
    assert production["log_format"] == "json"
    assert production["first_middleware"].endswith("RequestIdMiddleware")
    assert probe(LOG_FORMAT="json")["log_format"] == "json"
