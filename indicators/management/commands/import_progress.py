"""python manage.py import_progress FILE --user USERNAME [--dry-run]

The admin's import, for the city's batch jobs: the same reading, rules and rights (those of
USERNAME), all or nothing. Prints the preview, or every error with its row and column, and
exits non-zero on any error.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from infrastructure.imports import run_import
from infrastructure.imports.formats import FileError
from infrastructure.imports.importer import OUTCOME_LABELS, UNCHANGED
from infrastructure.imports.uploads import read_file


class Command(BaseCommand):
    help = "Import indicator values or initiative progress from an xlsx or CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx or CSV (UTF-8 or CP932)")
        parser.add_argument("--user", required=True, help="the staff account importing")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and preview, write nothing"
        )

    def handle(self, *args, file, user, dry_run, **options):
        try:
            account = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("ユーザー「%(user)s」がいません。") % {"user": user}) from None
        path = Path(file)
        try:
            data = read_file(path)  # no more than the import limits allow
        except FileError as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(
                _("ファイルを読めません：%(error)s") % {"error": error.strerror}
            ) from error

        report = run_import(data=data, filename=path.name, user=account, dry_run=dry_run)
        verbose = options["verbosity"] > 1
        for row in report.rows:
            if row.outcome == UNCHANGED and not verbose:
                continue
            changes = "; ".join(c.text for c in row.changes)
            self.stdout.write(
                _("%(row)s行目\t%(outcome)s\t%(label)s\t%(changes)s")
                % {
                    "row": row.row,
                    "outcome": OUTCOME_LABELS[row.outcome],
                    "label": row.label,
                    "changes": changes,
                }
            )
        for error in report.errors:
            self.stderr.write(
                _("%(row)s行目\t列：%(column)s\t%(message)s")
                % {"row": error.row or "-", "column": error.column or "-", "message": error.message}
            )
        counts = report.counts
        summary = (
            _("新規 %(new)s件、変更 %(changed)s件、変更なし %(unchanged)s件、空欄 %(skipped)s件。")
            % counts
        )
        if not report.ok:
            raise CommandError(
                _("%(count)s件のエラーがあります。何も取り込んでいません。")
                % {"count": len(report.errors)}
            )
        self.stdout.write(summary)
        self.stdout.write(
            _("確認のみ（--dry-run）：何も書き込んでいません。")
            if dry_run
            else _("取り込みました。")
        )
