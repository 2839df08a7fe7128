"""Ward-scoped reads go through one choke point (``access.Scope``, ``.visible_to``): a ward
officer sees their own ward's unapproved counts and no other ward's, on every door."""

import pytest

from community import access
from infrastructure.workflow import Status
from tests.factories import value

pytestmark = pytest.mark.django_db


@pytest.fixture
def chuo_draft_and_higashi_submitted():
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2015, amount="20")  # draft
    value(indicator="KPI-3-1", ward_code="higashi", fiscal_year=2015, status=Status.SUBMITTED)
    value(indicator="KPI-3-2", ward_code="higashi", fiscal_year=2015, status=Status.APPROVED)


def wards_of(client) -> dict:
    payload = client.get("/api/v1/dashboard/", {"fiscal_year": 2015}).json()
    return {row["ward"]: row["indicator_values"] for row in payload["wards"]}


@pytest.mark.usefixtures("chuo_draft_and_higashi_submitted")
def test_ward_officer_sees_only_their_own_wards_unapproved_counts(chuo, higashi, plan_client):
    seen_by_chuo = wards_of(chuo)
    assert seen_by_chuo["中央区"]["draft"] == 1
    assert "submitted" not in seen_by_chuo["東区"] and "draft" not in seen_by_chuo["東区"]
    assert seen_by_chuo["東区"]["approved"] == 1
    # The other ward's submitted record counts as missing, as for the public.
    assert seen_by_chuo["東区"]["missing"] == seen_by_chuo["東区"]["expected"] - 1

    seen_by_higashi = wards_of(higashi)
    assert seen_by_higashi["東区"]["submitted"] == 1
    assert "draft" not in seen_by_higashi["中央区"]

    seen_by_planner = wards_of(plan_client)
    assert seen_by_planner["中央区"]["draft"] == 1 and seen_by_planner["東区"]["submitted"] == 1


@pytest.mark.usefixtures("chuo_draft_and_higashi_submitted")
def test_the_cached_dashboard_of_one_ward_is_never_served_to_another(chuo, higashi, anon):
    # Asked in this order, each answer must still be the asker's own (keys per scope).
    assert wards_of(chuo)["中央区"]["draft"] == 1
    assert "draft" not in wards_of(higashi)["中央区"]
    assert "draft" not in wards_of(anon)["中央区"]
    assert wards_of(chuo)["中央区"]["draft"] == 1


@pytest.mark.usefixtures("chuo_draft_and_higashi_submitted")
def test_ward_page_shows_unapproved_counts_only_to_that_wards_staff(client, chuo_officer):
    client.force_login(chuo_officer)
    own = client.get("/wards/中央区/", {"fiscal_year": 2015}).context["completeness"]
    other = client.get("/wards/東区/", {"fiscal_year": 2015}).context["completeness"]
    assert own["indicator_values"]["draft"] == 1
    assert "submitted" not in other["indicator_values"]


def test_scope_of_each_persona(chuo_officer, planner, city_admin):
    assert access.scope_of(chuo_officer).key == f"ward-{chuo_officer.staff_profile.ward_id}"
    assert access.scope_of(planner).key == access.scope_of(city_admin).key == "city-wide"
    from django.contrib.auth.models import AnonymousUser

    assert access.scope_of(AnonymousUser()) is access.PUBLIC
    ward_id = chuo_officer.staff_profile.ward_id
    assert access.scope_of(chuo_officer).sees_unapproved(ward_id)
    assert not access.scope_of(chuo_officer).sees_unapproved(ward_id + 1)
    assert not access.scope_of(chuo_officer).sees_unapproved(None)  # city-wide records
    assert access.scope_of(planner).sees_unapproved(None)
