"""python manage.py import_community_resources FILE --user USERNAME [--dry-run]"""

from django.core.management.base import CommandError

from community.resources import DirectoryResource

from .import_school_districts import Command as DistrictsCommand


class Command(DistrictsCommand):
    help = (
        "Import directory entries (地域資源) from xlsx or CSV: the columns of the API's export "
        "or their Japanese headings (名称, 種類, 区, …). All or nothing. --user is required: "
        "each row is checked against that account's ward."
    )
    resource_class = DirectoryResource

    def handle(self, *args, user=None, **options):
        if not user:
            raise CommandError("--user is required.")
        return super().handle(*args, user=user, **options)
