"""The SQLite connector of the backups (``DBBACKUP_CONNECTOR_MAPPING``). PostgreSQL uses
dbbackup's own (``pg_dump --format=custom``, restored by ``pg_restore --clean --if-exists`` in
one transaction), which leaves out the rows of the excluded tables by itself
(``--exclude-table-data``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from tempfile import NamedTemporaryFile, SpooledTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector as _StockSqliteBackupConnector


class SqliteBackupConnector(_StockSqliteBackupConnector):
    """dbbackup's SQLite connector, which dumps through SQLite's online backup API (a
    consistent copy while the app runs), with two changes.

    The backup leaves out the rows of the excluded tables (``DBBACKUP_CONNECTORS``
    ``EXCLUDE``: sessions, tokens, login attempts), which the stock connector ignores: they are
    deleted from the copy, which is then vacuumed so that no page keeps them; the tables stay,
    empty.

    The restore goes through the same API: the backup replaces the database page by page in
    one step, under SQLite's own locks. The stock connector writes the backup over the
    database file instead; with the WAL journal the file ``db.sqlite3-wal`` beside it would
    then be replayed on top of the restored pages."""

    def create_dump(self):
        self.connection.ensure_connection()
        copy = NamedTemporaryFile(suffix=".sqlite3", delete=False)  # noqa: SIM115 (only its name)
        copy.close()
        try:
            os.chmod(copy.name, 0o600)
            target = sqlite3.connect(copy.name)
            try:
                self.connection.connection.backup(target)
                self._leave_out(target)
            finally:
                target.close()
            dump = SpooledTemporaryFile()  # noqa: SIM115 (returned open to dbbackup)
            with open(copy.name, "rb") as copied:
                shutil.copyfileobj(copied, dump)
            dump.seek(0)
            return dump
        finally:
            with contextlib.suppress(OSError):
                os.remove(copy.name)

    def _leave_out(self, target: sqlite3.Connection) -> None:
        tables = {
            name
            for (name,) in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        excluded = [table for table in self.exclude if table in tables]
        target.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        if excluded:
            target.execute("PRAGMA secure_delete = ON")
            with target:
                for table in excluded:
                    target.execute(f'DELETE FROM "{table}"')
        target.execute("VACUUM")  # no free page keeps a deleted row

    def restore_dump(self, dump) -> None:
        self.connection.close()
        self.connection.ensure_connection()
        with NamedTemporaryFile(suffix=".sqlite3") as copy:
            shutil.copyfileobj(dump, copy)
            copy.flush()
            source = sqlite3.connect(copy.name)
            try:
                (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
                if verdict != "ok":
                    raise sqlite3.DatabaseError(f"the backup is damaged: {verdict}")
                source.backup(self.connection.connection)
            finally:
                source.close()
