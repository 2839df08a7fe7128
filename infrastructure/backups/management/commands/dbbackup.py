"""dbbackup's ``dbbackup``, leaving out the transient tables (``BACKUP_EXCLUDED_TABLES``,
through the connector's ``EXCLUDE``), writing files of mode 600 and encrypting to
BACKUP_GPG_RECIPIENT (infrastructure/backups/commands.py)."""

import os

from dbbackup.management.commands.dbbackup import Command as StockCommand

from infrastructure.backups.commands import PRIVATE, EncryptingMixin


class Command(EncryptingMixin, StockCommand):
    def _save_metadata(self, filename, local=False):
        super()._save_metadata(filename, local=local)
        if local:
            os.chmod(f"{filename}.metadata", PRIVATE)
