"""dbbackup's ``dbrestore``, decrypting a ``.gpg`` file, answering one line for a file it
cannot read, and emptying the transient tables (sessions, tokens, login attempts) after the
restore, for backups made before they were left out (infrastructure/backups/commands.py)."""

from dbbackup.management.commands.dbrestore import Command as StockCommand

from infrastructure.backups.commands import RestoringMixin, transient_tables_clear


class Command(RestoringMixin, StockCommand):
    def _restore_backup(self):
        super()._restore_backup()
        cleared = transient_tables_clear(self.database_name)
        self.logger.info("Emptied the sessions, tokens and login attempts (%d rows)", cleared)
