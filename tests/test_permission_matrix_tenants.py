"""Issue 22: the permission matrix across municipalities.

The fictional 架空市 (tests/fixtures/plans/kaku-city/) is loaded beside the shipped
municipality, whose sample records (tests/test_permission_matrix.py, drafts of every kind)
stay its own. Staff of 架空市 in every role then request every URL of the matrix under the
shipped municipality's code, with its ids: what they get is what a staff account with no
role gets there (the public's pages and API, the admin with nothing in it), never more: the
same status, and for the API the same JSON.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from community.access import Role
from community.models import Department, Municipality, Ward
from community.services import staff_create
from tests.conftest import PASSWORD
from tests.test_permission_matrix import MATRIX, url_for, walk
from tests.test_permission_matrix import sample as sample  # a fixture

pytestmark = pytest.mark.django_db

KAKU = Path(__file__).parent / "fixtures" / "plans" / "kaku-city"
OTHER = "991007"


@pytest.fixture
def another_municipality(sample):
    """Loaded after the shipped municipality's sample records are made (they stay its own)."""
    call_command("load_plan", str(KAKU), verbosity=0)
    return Municipality.objects.get(code=OTHER)


@pytest.fixture
def other_staff(another_municipality):
    department = Department.objects.create(municipality=another_municipality, name="福祉課")
    made = {
        "ward_officer": dict(role=Role.WARD_OFFICER, ward=Ward.objects.get(code="asahi")),
        "department_officer": dict(role=Role.DEPARTMENT_OFFICER, department=department),
        "planner": dict(role=Role.PLANNER),
        "admin": dict(role=Role.ADMIN),
    }
    return {
        name: staff_create(
            username=f"kaku_{name}",
            password=PASSWORD,
            municipality=another_municipality,
            **options,
        )
        for name, options in made.items()
    }


def clients(user) -> tuple[APIClient, APIClient]:
    session, api = APIClient(), APIClient()
    if user is not None:
        session.force_login(user)
        _instance, token = AuthToken.objects.create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return session, api


def answers(user, sample, home: str) -> dict[str, tuple[int, object]]:
    session, api = clients(user)
    seen = {}
    for route in sorted(set(walk())):
        if route not in MATRIX:
            continue
        client = api if route.startswith("api/") else session
        response = client.get(f"/{home}{url_for(route, sample)}")
        json = response.get("Content-Type", "").startswith("application/json")
        readable = route.startswith("api/") and json and response.status_code == 200
        body = response.json() if readable else None
        seen[route] = (response.status_code, body)
    return seen


@pytest.mark.parametrize("role", ["ward_officer", "department_officer", "planner", "admin"])
def test_staff_of_another_municipality_get_what_a_staff_account_with_no_role_gets(
    role, sample, other_staff
):
    home = sample["indicatorvalue"].indicator.plan.municipality.code
    no_role = get_user_model().objects.create_user("no_role_here", is_staff=True)
    answers(no_role, sample, home)  # once first: the pages make the year's report and job
    expected = answers(no_role, sample, home)
    theirs = answers(other_staff[role], sample, home)
    wrong = {
        route: (found, expected[route])
        for route, found in theirs.items()
        if found != expected[route]
    }
    assert not wrong, f"{role} of {OTHER} at {home}'s URLs: route → (got, expected): {wrong}"
