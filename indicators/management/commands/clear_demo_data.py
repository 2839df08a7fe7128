"""python manage.py clear_demo_data"""

from django.core.management.base import BaseCommand

from indicators.demo import DEMO_SOURCE, demo_data_clear


class Command(BaseCommand):
    help = f"Remove the sample data (source 「{DEMO_SOURCE}」); nothing else is touched."

    def handle(self, *args, **options):
        removed = demo_data_clear()  # the operator, at the server: no role to check
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} rows of sample data."))
