"""python manage.py create_staff USERNAME --role ROLE [--municipality CODE] [--ward WARD]
[--department DEPARTMENT] [--prefecture CODE]

ROLE: ward_officer, department_officer, planner, admin or prefecture. The account belongs to
the municipality CODE names (its 全国地方公共団体コード): required once the installation
serves more than one, the only one otherwise. Its ward and department are looked up within
it. A prefecture's staff member (prefecture) belongs to the prefecture ``--prefecture``
names (two digits, JIS X 0401) and to no municipality."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from community.access import Role
from community.models import Department, Municipality
from community.selectors import UnknownWardError, ward_choices, ward_named
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
            "--municipality",
            metavar="CODE",
            help="The municipality the account belongs to (its 6-digit code): required when "
            "more than one municipality is loaded.",
        )
        parser.add_argument(
            "--ward",
            help="The ward (area) of a ward officer: its name, code or 全国地方公共団体コード.",
        )
        parser.add_argument(
            "--department", help="The department (所管課) of a department officer: its name."
        )
        parser.add_argument(
            "--prefecture",
            help="The prefecture of a prefecture's staff member (role prefecture): its "
            "two-digit code (JIS X 0401, 01-47). Such an account belongs to no municipality.",
        )
        parser.add_argument("--email", default="")

    def handle(
        self,
        *args,
        username,
        role,
        ward,
        email,
        department=None,
        municipality=None,
        prefecture=None,
        **options,
    ):
        home = None if role == Role.PREFECTURE else self._municipality(municipality)
        departments = Department.objects.filter(municipality=home) if home else Department.objects
        wards = ward_choices(home)
        department_obj = None
        if department:
            department_obj = departments.filter(name=department).first()
            if department_obj is None:
                names = "、".join(departments.values_list("name", flat=True))
                raise CommandError(f"Unknown department {department!r}. Departments: {names}")
        try:
            ward_obj = ward_named(ward, municipality=home)
        except UnknownWardError as error:
            names = "、".join(wards.values_list("name", flat=True)) or "-"
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
                municipality=home,
                prefecture_code=(prefecture or "").strip(),
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        place = ward_obj or department_obj
        where = f" ({place.name})" if place else ""
        self.stdout.write(self.style.SUCCESS(f"Created {role} {user.username}{where}."))

    def _municipality(self, code: str | None) -> Municipality | None:
        """The municipality ``code`` names; without one, the only municipality loaded (None
        when there is none). Several loaded and none named is an error naming their codes."""
        codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
        if code:
            found = Municipality.objects.filter(code=code.strip()).first()
            if found is None:
                raise CommandError(
                    _(
                        "自治体コード「%(code)s」の自治体はありません。読み込まれている自治体：%(codes)s"
                    )
                    % {"code": code, "codes": "、".join(codes) or "-"}
                )
            return found
        if len(codes) > 1:
            raise CommandError(
                _(
                    "複数の自治体が読み込まれています。--municipality で自治体コードを"
                    "指定してください（%(codes)s）。"
                )
                % {"codes": "、".join(codes)}
            )
        return Municipality.objects.first()

    def _ask_password(self) -> str:
        if not os.isatty(0):
            raise CommandError("Set STAFF_PASSWORD, or run the command in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return password
