"""python manage.py create_staff USERNAME --role {ward_officer,department_officer,planner,admin}
[--ward WARD] [--department DEPARTMENT]"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from community.access import Role
from community.models import Department, Ward
from community.selectors import UnknownWardError, ward_named
from community.services import staff_create


class Command(BaseCommand):
    help = (
        "Create a staff account with a role. The password comes from the STAFF_PASSWORD "
        "environment variable, or is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument(
            "--ward",
            help="The ward (area) of a ward officer: its name, code or 全国地方公共団体コード.",
        )
        parser.add_argument(
            "--department", help="The department (所管課) of a department officer: its name."
        )
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, ward, email, department=None, **options):
        department_obj = None
        if department:
            department_obj = Department.objects.filter(name=department).first()
            if department_obj is None:
                names = "、".join(Department.objects.values_list("name", flat=True))
                raise CommandError(f"Unknown department {department!r}. Departments: {names}")
        try:
            ward_obj = ward_named(ward)
        except UnknownWardError as error:
            names = "、".join(Ward.objects.values_list("name", flat=True)) or "-"
            raise CommandError(f"Unknown ward {ward!r}. Wards: {names}") from error
        password = os.environ.get("STAFF_PASSWORD") or self._ask_password()
        try:
            user = staff_create(
                username=username,
                role=Role(role),
                password=password,
                ward=ward_obj,
                department=department_obj,
                email=email,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        place = ward_obj or department_obj
        where = f" ({place.name})" if place else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} {user.username}{where}."))

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set STAFF_PASSWORD, or run the command in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
