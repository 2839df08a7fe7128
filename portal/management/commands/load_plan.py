"""python manage.py load_plan [DIR] [--check] [--overwrite-edits]

DIR is a plan folder in the schema of docs/plan-data.md (``--data DIR`` says the same); without
it, the plan folder of the installation: ``settings.PLAN_DATA_DIR``, which the environment
variable ``PLAN_DATA_DIR`` names (the shipped plan, programs/data/plan/, unless set)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from infrastructure.plan_folder import PlanDataError
from infrastructure.sync import PlanConflictError
from portal.plan_loading import plan_document_read, plan_load


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load the community-welfare plan from its YAML files into the database. Safe to run "
        "again: only what differs is written, and entered progress data is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            help="Plan folder holding plan.yaml and the files it names (default: the folder "
            "PLAN_DATA_DIR names; the shipped plan unless set).",
        )
        parser.add_argument("--data", type=Path, help="The same as DIR.")
        parser.add_argument(
            "--overwrite-edits",
            action="store_true",
            help="Overwrite plan content that was changed in the admin since the last load.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; report what would change and exit 1 if anything would.",
        )

    def handle(
        self,
        *args,
        directory: Path | None,
        data: Path | None,
        check: bool,
        overwrite_edits: bool,
        verbosity: int,
        **options,
    ):
        if directory and data and directory != data:
            raise CommandError("Give the plan folder once: as DIR or as --data.")
        folder = directory or data or Path(settings.PLAN_DATA_DIR)
        if not (folder / "plan.yaml").is_file():
            raise CommandError(f"{folder}: no plan.yaml here (see docs/plan-data.md).")
        try:
            document = plan_document_read(folder)
        except PlanDataError as error:
            raise CommandError(str(error)) from error
        try:
            with transaction.atomic():
                report = plan_load(document=document, overwrite_edits=overwrite_edits)
                if check:
                    raise _DryRun
        except _DryRun:
            pass
        except PlanConflictError as error:
            raise CommandError(str(error)) from error

        if verbosity >= 1:
            self.stdout.write(
                f"{'':<16}{'created':>9}{'updated':>9}{'deleted':>9}{'unchanged':>11}"
            )
            for name, created, updated, deleted, unchanged in report.rows():
                self.stdout.write(f"{name:<16}{created:>9}{updated:>9}{deleted:>9}{unchanged:>11}")
            for line in report.lines():  # what each updated row changed, in words
                self.stdout.write(line)
        if check and report.changed:
            raise CommandError("The database differs from the plan data (nothing was written).")
        if verbosity >= 1:
            message = "Plan loaded." if report.changed else "Plan already up to date."
            self.stdout.write(self.style.SUCCESS(message))
