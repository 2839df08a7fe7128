"""Backups (django-dbbackup): a backup of the database restores into an empty database with
every table equal row for row, on SQLite and, with DATABASE_URL, on PostgreSQL (into a
scratch database beside the test database); the media files come back byte for byte.
The restore runs as operations staff run it: ``manage.py dbrestore`` in its own process,
pointed at the empty database by DATABASE_URL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from indicators.demo import demo_data_load
from indicators.models import IndicatorValue
from indicators.services import indicator_value_update
from kumamoto_welfare.workflow import Transition, record_transition

ROOT = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict, name: str) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{name}"


def open_raw(settings_dict: dict, name: str):
    """A plain DB-API connection to database ``name`` (no Django type conversion, so both
    sides of the comparison read the same way)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(name)
    import psycopg

    return psycopg.connect(
        database_url(settings_dict, name).replace("postgres://", "postgresql://")
    )


def contents(raw) -> dict[str, list[tuple]]:
    """Every table's rows in a stable order, and the id sequences' positions."""
    cursor = raw.cursor()
    if isinstance(raw, sqlite3.Connection):
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        tables = [name for (name,) in cursor.fetchall()]
        sequences: list[tuple] = []  # sqlite_sequence is a table, compared with the others
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' ORDER BY sequencename"
        )
        sequences = cursor.fetchall()
    found = {"(sequences)": sequences}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        width = len(cursor.description)
        cursor.execute(
            f'SELECT * FROM "{table}" ORDER BY {", ".join(str(i + 1) for i in range(width))}'
        )
        found[table] = cursor.fetchall()
    return found


def manage(*args: str, database: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = database
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture
def empty_database(tmp_path):
    """The name of an empty database of the engine the tests use."""
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.usefixtures("committed_db")
def test_a_backup_restores_into_an_empty_database_row_for_row(
    tmp_path, planner, empty_database, monkeypatch
):
    # The jobs the correction queues stay queued: a Celery worker left running by earlier
    # tests (PostgreSQL and Redis) would otherwise change their rows between the backup and
    # the comparison.
    monkeypatch.setattr("kumamoto_welfare.jobs.services.job_send", lambda *, job_id: False)
    # Data of every kind: the plan, sample data, a person's correction with its history
    # and workflow log, staff, a token.
    demo_data_load()
    record = IndicatorValue.objects.filter(source="デモデータ", ward__isnull=False).first()
    record = record_transition(
        record=record, transition=Transition.REOPEN, user=planner, comment="修正（ｔｅｓｔ）"
    )
    indicator_value_update(
        user=planner, record=record, expected_version=record.version, note="改行\nと'引用符'"
    )
    AuthToken.objects.create(user=planner)
    backup = tmp_path / "database.backup.gz"

    call_command("dbbackup", "--compress", "--output-path", str(backup), "--quiet")
    manage(
        "dbrestore",
        "--noinput",
        "--uncompress",
        "--input-path",
        str(backup),
        database=database_url(connection.settings_dict, empty_database),
    )

    source = open_raw(connection.settings_dict, connection.settings_dict["NAME"])
    restored = open_raw(connection.settings_dict, empty_database)
    try:
        before, after = contents(source), contents(restored)
    finally:
        source.close()
        restored.close()
    assert set(after) == set(before)
    assert before["indicators_indicatorvalue"] and before["indicators_historicalindicatorvalue"]
    for table, rows in before.items():
        assert after[table] == rows, table

    # The restored database is one the app works on: migrations all applied, data readable.
    check = manage(
        "migrate",
        "--check",
        database=database_url(connection.settings_dict, empty_database),
    )
    assert check.returncode == 0


def test_media_files_come_back_byte_for_byte(settings, tmp_path):
    media = tmp_path / "media"
    files = {
        "reports/2016/施策評価_2016.xlsx": os.urandom(5000),
        "imports/waiting/upload.csv": "指標コード,値\nKPI-1-1,79.1\n".encode(),
        "top.txt": b"",
    }
    for name, content in files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content)
    settings.MEDIA_ROOT = media
    backup = tmp_path / "media.tar.gz"
    call_command("mediabackup", "--compress", "--output-path", str(backup), "--quiet")

    settings.MEDIA_ROOT = tmp_path / "empty"
    call_command(
        "mediarestore", "--noinput", "--uncompress", "--input-path", str(backup), "--quiet"
    )

    restored = {
        str(path.relative_to(tmp_path / "empty")): path.read_bytes()
        for path in (tmp_path / "empty").rglob("*")
        if path.is_file()
    }
    assert restored == files
