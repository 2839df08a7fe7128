"""dbbackup's ``mediarestore``, decrypting a ``.gpg`` file and answering one line for a file
it cannot read (kumamoto_welfare/backups/commands.py)."""

from dbbackup.management.commands.mediarestore import Command as StockCommand

from kumamoto_welfare.backups.commands import RestoringMixin


class Command(RestoringMixin, StockCommand):
    pass
