"""python manage.py import_school_districts FILE [--dry-run] [--user USERNAME]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community.resources import SchoolDistrictResource
from infrastructure.imports import import_file
from infrastructure.imports.formats import FileError
from infrastructure.imports.uploads import read_file


class Command(BaseCommand):
    help = (
        "Import elementary-school districts from xlsx or CSV (UTF-8 or CP932) with the columns "
        "校区コード, 校区名, 区 (or code, name, ward). All or nothing: any bad row and nothing "
        "is written."
    )
    resource_class = SchoolDistrictResource

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--user", help="Staff account the changes are made as (checked by the role policy)."
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user {user!r}.")
        try:
            data = read_file(file)  # no more than the import limits allow
        except FileError as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        report = import_file(
            self.resource_class, data=data, filename=file.name, user=account, dry_run=dry_run
        )
        if not report.ok:
            raise CommandError(
                "Nothing was imported:\n"
                + "\n".join(
                    _("%(row)s行目\t列：%(column)s\t%(message)s")
                    % {
                        "row": error.row or "-",
                        "column": error.column or "-",
                        "message": error.message,
                    }
                    for error in report.errors
                )
            )
        counts = report.counts
        self.stdout.write(
            f"created {counts['new']}, updated {counts['changed']}, "
            f"unchanged {counts['unchanged']}" + (" (dry run: nothing written)" if dry_run else "")
        )
