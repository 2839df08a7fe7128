"""Backups (django-dbbackup): a backup of the database restores into an empty database with
every table equal row for row, except the transient tables it leaves out (sessions, API
tokens, login attempts: issue 18, item 3), on SQLite and, with DATABASE_URL, on PostgreSQL
(into a scratch database beside the test database); the media files come back byte for byte.
Backups are files of mode 600, encrypted to BACKUP_GPG_RECIPIENT's key when it is set, and a
damaged file stops a restore with one line. The restore runs as operations staff run it:
``manage.py dbrestore`` in its own process, pointed at the empty database by DATABASE_URL."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from indicators.demo import demo_data_load
from indicators.models import IndicatorValue
from indicators.services import indicator_value_update
from infrastructure.workflow import Transition, record_transition

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


def manage(
    *args: str, database: str, check: bool = True, **environment: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = database
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def this_database() -> str:
    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


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
    monkeypatch.setattr("infrastructure.jobs.services.job_send", lambda *, job_id: False)
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
    assert before["knox_authtoken"]
    for table, rows in before.items():
        if table in settings.BACKUP_EXCLUDED_TABLES:
            assert after[table] == [], table  # left out: the table is there, empty
        else:
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


# --- Issue 18, item 3: live sessions in backups ------------------------------------------


def signed_in_planner_session(planner) -> str:
    client = Client()
    client.force_login(planner)
    assert client.get("/admin/").status_code == 200
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def opens_admin(session_key: str, database: str) -> int:
    """The status of /admin/ for the session cookie, served from ``database``."""
    code = (
        "from django.test.utils import setup_test_environment; setup_test_environment(); "
        "from django.test import Client; c = Client(); "
        f"c.cookies[{settings.SESSION_COOKIE_NAME!r}] = {session_key!r}; "
        "print(c.get('/admin/').status_code)"
    )
    result = manage("shell", "--no-imports", "-c", code, database=database)
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.usefixtures("committed_db")
def test_a_backup_holds_no_session_token_or_login_attempt(tmp_path, planner, empty_database):
    """Two session keys taken from a backup opened /admin/ on the live server: the backup held
    django_session (and the knox tokens and axes' attempts). Now those tables are left out,
    on SQLite (infrastructure/backups/connectors.py) and PostgreSQL (pg_dump
    --exclude-table-data), and the file is readable by its owner only."""
    session_key = signed_in_planner_session(planner)
    AuthToken.objects.create(user=planner)
    Client().post(
        "/admin/login/", {"username": "planner", "password": "wrong"}, REMOTE_ADDR="192.0.2.1"
    )
    assert AccessAttempt.objects.exists() and Session.objects.exists()
    backup = tmp_path / "database.backup.gz"

    call_command("dbbackup", "--compress", "--output-path", str(backup), "--quiet")
    assert mode(backup) == 0o600
    assert mode(Path(f"{backup}.metadata")) == 0o600
    # No trace of the session key in the file itself, whatever a restore would do.
    assert session_key.encode() not in gzip.decompress(backup.read_bytes())

    restored_url = database_url(connection.settings_dict, empty_database)
    manage(
        "dbrestore", "--noinput", "--uncompress", "--input-path", str(backup), database=restored_url
    )
    restored = open_raw(connection.settings_dict, empty_database)
    try:
        after = contents(restored)
    finally:
        restored.close()
    for table in settings.BACKUP_EXCLUDED_TABLES:
        assert after[table] == [], table
    assert after["auth_user"]  # the accounts themselves are there
    assert opens_admin(session_key, restored_url) == 302  # to the login page
    assert opens_admin(session_key, this_database()) == 200  # it still opens the live one


@pytest.mark.usefixtures("committed_db")
def test_a_restore_of_an_old_backup_with_sessions_ends_them(
    tmp_path, planner, empty_database, monkeypatch
):
    """A backup made before the tables were left out still holds sessions: the restore empties
    them."""
    session_key = signed_in_planner_session(planner)
    AuthToken.objects.create(user=planner)
    monkeypatch.setattr("dbbackup.settings.CONNECTORS", {})  # as before: nothing left out
    backup = tmp_path / "old.backup"
    call_command("dbbackup", "--output-path", str(backup), "--quiet")
    restored_url = database_url(connection.settings_dict, empty_database)
    manage("dbrestore", "--noinput", "--input-path", str(backup), database=restored_url)
    restored = open_raw(connection.settings_dict, empty_database)
    try:
        after = contents(restored)
    finally:
        restored.close()
    assert after["django_session"] == [] and after["knox_authtoken"] == []
    assert opens_admin(session_key, restored_url) == 302


def test_the_left_out_tables_are_every_table_of_sessions_tokens_and_login_attempts():
    from django.apps import apps

    transient = {
        model._meta.db_table
        for label in ("sessions", "knox", "axes")
        for model in apps.get_app_config(label).get_models()
    }
    assert set(settings.BACKUP_EXCLUDED_TABLES) == transient


@pytest.mark.usefixtures("committed_db")
def test_backups_in_backup_dir_are_readable_by_their_owner_only(tmp_path, settings):
    """``make backup``: the database and the media files into BACKUP_DIR, mode 600."""
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "report.xlsx").write_bytes(b"xlsx")
    backups = tmp_path / "backups"
    for command in ("dbbackup", "mediabackup"):
        manage(
            command,
            "--compress",
            "--clean",
            database=this_database(),
            BACKUP_DIR=str(backups),
            MEDIA_ROOT=str(media),
        )
    written = sorted(path for path in backups.iterdir())
    assert any(p.name.endswith(".gz") and "tar" in p.name for p in written), written
    assert len(written) >= 3, written  # database, its metadata, media
    assert {path.name: mode(path) for path in written} == {path.name: 0o600 for path in written}
    assert mode(backups) == 0o700


def test_a_media_backup_to_a_path_is_mode_600(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("a")
    backup = tmp_path / "media.tar"
    backup.write_bytes(b"")
    backup.chmod(0o644)  # a file already there is made private too
    call_command("mediabackup", "--output-path", str(backup), "--quiet")
    assert mode(backup) == 0o600


# --- Encryption to a recipient's public key (BACKUP_GPG_RECIPIENT) -------------------------

GPG_PASSPHRASE = "throwaway-backup-key-passphrase"


@pytest.fixture
def gpg_home():
    """A keyring of its own with a throwaway key made for the test. CI installs gnupg and
    sets REQUIRE_GPG=1, so there this test never skips."""
    if shutil.which("gpg") is None:
        if os.environ.get("REQUIRE_GPG"):
            pytest.fail("gpg is not installed (REQUIRE_GPG=1)")
        pytest.skip("gpg is not installed")
    # A short path: gpg-agent's socket lives in it, and socket paths are short.
    home = tempfile.mkdtemp(prefix="kwgpg")
    os.chmod(home, 0o700)
    subprocess.run(
        [
            "gpg",
            "--homedir",
            home,
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            GPG_PASSPHRASE,
            "--quick-generate-key",
            "Backup Test <backup-test@example.jp>",
            "future-default",
            "default",
            "never",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    yield home
    subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.usefixtures("committed_db")
def test_an_encrypted_backup_round_trips(tmp_path, planner, empty_database, gpg_home):
    backups = tmp_path / "backups"
    environment = {
        "GNUPGHOME": gpg_home,
        "BACKUP_DIR": str(backups),
        "BACKUP_GPG_RECIPIENT": "backup-test@example.jp",
    }
    manage("dbbackup", "--compress", database=this_database(), **environment)
    (backup,) = [path for path in backups.iterdir() if not path.name.endswith(".metadata")]
    assert backup.name.endswith(".gz.gpg") and mode(backup) == 0o600
    content = backup.read_bytes()
    assert not content.startswith(b"\x1f\x8b")  # not a readable gzip
    assert b"planner" not in content

    restored_url = database_url(connection.settings_dict, empty_database)
    # Without the passphrase, and no terminal to ask it on: one line, nothing restored.
    refused = manage(
        "dbrestore",
        "--noinput",
        "--uncompress",
        "--input-path",
        str(backup),
        database=restored_url,
        check=False,
        GNUPGHOME=gpg_home,
    )
    assert refused.returncode != 0 and "BACKUP_GPG_PASSPHRASE" in refused.stderr
    manage(
        "dbrestore",
        "--noinput",
        "--uncompress",
        "--input-path",
        str(backup),
        database=restored_url,
        GNUPGHOME=gpg_home,
        BACKUP_GPG_PASSPHRASE=GPG_PASSPHRASE,
    )
    restored = open_raw(connection.settings_dict, empty_database)
    try:
        users = [row[0] for row in restored.cursor().execute("SELECT username FROM auth_user")]
    finally:
        restored.close()
    assert "planner" in users


@pytest.mark.usefixtures("committed_db")
def test_an_unknown_recipient_is_one_line(tmp_path, gpg_home):
    result = manage(
        "dbbackup",
        "--output-path",
        str(tmp_path / "x.backup"),
        database=this_database(),
        check=False,
        GNUPGHOME=gpg_home,
        BACKUP_GPG_RECIPIENT="nobody@example.jp",
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "nobody@example.jp" in result.stderr and "gpg --import" in result.stderr
    assert not (tmp_path / "x.backup").exists()


# --- A damaged backup: one line, not a traceback --------------------------------------------


@pytest.mark.usefixtures("committed_db")
@pytest.mark.parametrize("damage", ["garbage", "truncated gzip"])
def test_a_damaged_backup_stops_the_restore_with_one_line(tmp_path, damage, empty_database):
    backup = tmp_path / "database.backup.gz"
    if damage == "garbage":
        backup.write_bytes(os.urandom(4096))
    else:
        call_command("dbbackup", "--compress", "--output-path", str(backup), "--quiet")
        whole = backup.read_bytes()
        backup.write_bytes(whole[: len(whole) // 2])
    result = manage(
        "dbrestore",
        "--noinput",
        "--uncompress",
        "--input-path",
        str(backup),
        database=database_url(connection.settings_dict, empty_database),
        check=False,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert any("を復元できません" in line for line in lines), result.stderr
    assert lines[-1].startswith("CommandError:") and str(backup) in lines[-1]


@pytest.mark.parametrize("uncompress", [True, False])
def test_a_damaged_media_backup_stops_the_restore_with_one_line(tmp_path, uncompress):
    backup = tmp_path / "media.tar.gz"
    backup.write_bytes(os.urandom(2048))
    result = manage(
        "mediarestore",
        "--noinput",
        *(["--uncompress"] if uncompress else []),
        "--input-path",
        str(backup),
        database=this_database(),
        check=False,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("CommandError:")
