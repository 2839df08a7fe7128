"""Backups with django-dbbackup (``dbbackup`` / ``dbrestore``, ``mediabackup`` /
``mediarestore``; ``make backup`` / ``make restore``; docs/operations.md).

PostgreSQL uses dbbackup's own connector (``pg_dump --format=custom``, restored by
``pg_restore --clean --if-exists`` in one transaction). SQLite uses the one below."""

from __future__ import annotations

import shutil
import sqlite3
from tempfile import NamedTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector as _StockSqliteBackupConnector


class SqliteBackupConnector(_StockSqliteBackupConnector):
    """dbbackup's SQLite connector, which dumps through SQLite's online backup API (a
    consistent copy while the app runs), restoring through the same API: the backup
    replaces the database page by page in one step, under SQLite's own locks. The stock
    connector writes the backup over the database file instead; with the WAL journal the
    file ``db.sqlite3-wal`` beside it would then be replayed on top of the restored pages."""

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
