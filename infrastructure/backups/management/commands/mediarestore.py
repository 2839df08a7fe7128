"""dbbackup's ``mediarestore``, decrypting a ``.gpg`` file and answering one line for a file
it cannot read (infrastructure/backups/commands.py)."""

from dbbackup.management.commands.mediarestore import Command as StockCommand

from infrastructure.backups.commands import RestoringMixin


class Command(RestoringMixin, StockCommand):
    pass
