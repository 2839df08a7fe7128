"""dbbackup's ``mediabackup``, writing files of mode 600 and encrypting to BACKUP_GPG_RECIPIENT
(infrastructure/backups/commands.py)."""

from dbbackup.management.commands.mediabackup import Command as StockCommand

from infrastructure.backups.commands import EncryptingMixin


class Command(EncryptingMixin, StockCommand):
    pass
