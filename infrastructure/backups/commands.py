"""What this installation adds to dbbackup's four commands (the app's ``management/commands``
subclass them with these mixins): files of mode 600, encryption to ``BACKUP_GPG_RECIPIENT``,
the transient tables emptied after a restore, one line for an unreadable backup."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import sys
import tarfile
import zlib
from shutil import copyfileobj

from dbbackup.db.exceptions import ConnectorError
from dbbackup.utils import DecryptionError, EncryptionError
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.utils.translation import gettext as _

PRIVATE = 0o600
PASSPHRASE_VARIABLE = "BACKUP_GPG_PASSPHRASE"

# What a damaged, truncated or wrong file raises on its way through gpg, gzip, tar, SQLite or
# pg_restore (OSError covers gzip.BadGzipFile and a missing file).
UNREADABLE = (
    OSError,
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    tarfile.TarError,
    sqlite3.DatabaseError,
    ConnectorError,
    DecryptionError,
    UnicodeDecodeError,
)


def first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0] if lines else type(error).__name__)[:300]


def transient_tables_clear(alias: str = "default") -> int:
    """Empty the tables a backup leaves out (``BACKUP_EXCLUDED_TABLES``), for a backup made
    before they were left out: after a restore no old session or token opens anything."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    cleared = 0
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for table in settings.BACKUP_EXCLUDED_TABLES:
            if table in existing:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                cleared += max(cursor.rowcount, 0)
    return cleared


def public_key_known(recipient: str) -> bool:
    """Whether the keyring (``GNUPGHOME``) holds a public key for ``recipient``."""
    import gnupg

    return bool(gnupg.GPG().list_keys(keys=[recipient]))


class PrivateFilesMixin:
    """Backups written to a path (``--output-path``) are readable by their owner only, as
    those written to ``BACKUP_DIR`` are (the storage's ``file_permissions_mode``)."""

    def write_local_file(self, outputfile, path):
        self.logger.info("Writing file to %s", path)
        outputfile.seek(0)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        os.fchmod(descriptor, PRIVATE)  # a file that was there keeps its mode otherwise
        with os.fdopen(descriptor, "wb") as target:
            copyfileobj(outputfile, target)


class EncryptingMixin(PrivateFilesMixin):
    """With ``BACKUP_GPG_RECIPIENT`` every backup is encrypted to that public key, whether or
    not ``--encrypt`` is given; without the key in the keyring nothing is written."""

    def handle(self, *args, **options):
        recipient = settings.DBBACKUP_GPG_RECIPIENT
        options["encrypt"] = bool(options.get("encrypt") or recipient)
        if options["encrypt"]:
            self._check_encryption(recipient)
        try:
            return super().handle(*args, **options)
        except EncryptionError as error:
            raise CommandError(self._cannot_encrypt(recipient, first_line(error))) from error

    def _check_encryption(self, recipient: str | None) -> None:
        if not recipient:
            raise CommandError(
                _("暗号化するには BACKUP_GPG_RECIPIENT に受取人の鍵を設定してください。")
            )
        if shutil.which("gpg") is None:
            raise CommandError(
                _(
                    "BACKUP_GPG_RECIPIENT が設定されていますが gpg がありません"
                    "（Debian: apt-get install gnupg）。"
                )
            )
        if not public_key_known(recipient):
            raise CommandError(self._cannot_encrypt(recipient, _("公開鍵が鍵束にありません")))

    @staticmethod
    def _cannot_encrypt(recipient: str | None, reason: str) -> str:
        return _(
            "バックアップを暗号化できません。受取人「%(recipient)s」の公開鍵を gpg --import "
            "で取り込んでください（%(reason)s）。"
        ) % {"recipient": recipient, "reason": reason}


class RestoringMixin:
    """A ``.gpg`` file (or, with ``BACKUP_GPG_RECIPIENT``, the newest backup) is decrypted
    with the passphrase of ``--passphrase``, ``BACKUP_GPG_PASSPHRASE`` or the terminal; a file
    that cannot be read stops the restore with one line (gpg, gzip, tar, SQLite's integrity
    check and pg_restore all read it before the data is replaced)."""

    def handle(self, *args, **options):
        name = options.get("input_path") or options.get("input_filename")
        if name:
            options["decrypt"] = bool(options.get("decrypt") or name.endswith(".gpg"))
        else:
            options["decrypt"] = bool(options.get("decrypt") or settings.DBBACKUP_GPG_RECIPIENT)
        if options["decrypt"] and not options.get("passphrase"):
            options["passphrase"] = os.environ.get(PASSPHRASE_VARIABLE) or None
            if options["passphrase"] is None and not sys.stdin.isatty():
                raise CommandError(
                    _(
                        "暗号化されたバックアップです。鍵のパスフレーズを --passphrase か "
                        "BACKUP_GPG_PASSPHRASE で渡すか、端末から実行してください。"
                    )
                )
        try:
            return super().handle(*args, **options)
        except CommandError:
            raise
        except UNREADABLE as error:
            raise CommandError(
                _(
                    "バックアップ「%(name)s」を復元できません。ファイルが壊れているか途中で切れているか、"
                    "バックアップではありません（%(reason)s）。"
                )
                % {"name": name or _("最新のもの"), "reason": first_line(error)}
            ) from error
