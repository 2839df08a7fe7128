"""python manage.py load_demo_data [--force]"""

import os

from django.core.management.base import BaseCommand, CommandError

from indicators.demo import DEMO_SOURCE, demo_data_load


class Command(BaseCommand):
    help = (
        f"Load clearly marked sample progress data (source 「{DEMO_SOURCE}」, FY2014–FY2019, "
        "every ward) so the dashboards are not empty: creates what is missing and never changes "
        "a row already there. Refused when DATABASE_URL is set, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even into a database named by DATABASE_URL."
        )

    def handle(self, *args, force: bool, **options):
        if (os.environ.get("DATABASE_URL") or os.environ.get("DATABASE_URL_FILE")) and not force:
            raise CommandError(
                "DATABASE_URL (or DATABASE_URL_FILE) is set: sample data goes only into the "
                "embedded default database. Use --force if you really want it here."
            )
        loaded = demo_data_load()
        kept = (
            f"; kept {loaded.kept_changed} sample rows as people corrected them"
            if loaded.kept_changed
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {loaded.created} rows of sample data (source 「{DEMO_SOURCE}」){kept}. "
                "Rows already there are never changed. "
                "Remove them with: python manage.py clear_demo_data"
            )
        )
