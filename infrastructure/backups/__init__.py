"""Backups with django-dbbackup (``dbbackup`` / ``dbrestore``, ``mediabackup`` /
``mediarestore``; ``make backup`` / ``make restore``; docs/operations.md).

This app's commands take the place of dbbackup's (the app comes first in
``INSTALLED_APPS``), and add to them (``commands.py``):

- the transient tables (``BACKUP_EXCLUDED_TABLES``: sessions, API tokens, login attempts) are
  left out of a database backup, on SQLite (``connectors.py``) and PostgreSQL alike, and
  emptied after a restore, so that no backup, old or new, can open a session;
- every file is written readable by its owner only (mode 600);
- with ``BACKUP_GPG_RECIPIENT`` every backup is encrypted to that public key, and a restore
  decrypts a ``.gpg`` file;
- a damaged or wrong file stops a restore with one line, before the database is touched.

``infrastructure.backups.SqliteBackupConnector`` is the path backups' metadata files name."""

from .connectors import SqliteBackupConnector

__all__ = ["SqliteBackupConnector"]
