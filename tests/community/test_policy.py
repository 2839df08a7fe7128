"""The one policy (infrastructure.access) for the records wards keep without approval:
directory entries, school districts, health town-planning stages, volunteer headcounts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from community.models import CommunityResource, HealthTownPlanningRecord, VolunteerHeadcount
from infrastructure import policy
from tests.community.helpers import district, headcount, resource, stage

pytestmark = pytest.mark.django_db

ACTIONS = ["view", "create", "change", "delete", "submit", "approve", "return", "reopen"]


def build(kind: str, where: str | None):
    """A record of ``kind`` in ward ``where`` (None: city-wide)."""
    if kind == "resource":
        return resource(ward_code=where)
    if kind == "district":
        return district(f"D-{where}", where)
    if kind == "health_town_planning":
        return stage(district(f"H-{where}", where), 2015, 3)
    return headcount("promoter-8020", 2015, 10, where)


KINDS = ["resource", "district", "health_town_planning", "headcount"]
PLACES = {"own": "chuo", "other": "higashi", "city": None}
MATRIX = {
    ("chuo_officer", "own"): "view create change delete",
    ("chuo_officer", "other"): "view",
    ("chuo_officer", "city"): "view",
    ("planner", "own"): "view create change delete",
    ("planner", "other"): "view create change delete",
    ("planner", "city"): "view create change delete",
    ("city_admin", "other"): "view create change delete",
    ("anonymous", "own"): "view",
    ("anonymous", "city"): "view",
}


# A district always lies in a ward: districts and their records have no city-wide case.
CASES = [
    (kind, persona, place)
    for kind in KINDS
    for persona, place in MATRIX
    if not (place == "city" and kind in ("district", "health_town_planning"))
]


@pytest.mark.parametrize(("kind", "persona", "place"), CASES, ids=str)
def test_matrix(request, kind, persona, place):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    record = build(kind, PLACES[place])
    allowed = set(MATRIX[(persona, place)].split())
    for action in ACTIONS:
        assert policy.allowed(user, action, record) == (action in allowed), (kind, action)


def test_plan_entries_are_for_load_plan_alone(planner, city_admin):
    entry = CommunityResource.objects.get(code="child-guidance-centre")
    for user in (planner, city_admin):
        assert policy.allowed(user, "view", entry)
        for action in ("change", "delete"):
            assert not policy.allowed(user, action, entry)
    assert entry not in CommunityResource.objects.editable_by(planner)


def test_everyone_sees_every_entry_and_officers_edit_their_own_ward(chuo_officer):
    own, other = resource(ward_code="chuo"), resource(ward_code="higashi")
    assert {own, other} <= set(CommunityResource.objects.visible_to(AnonymousUser()))
    assert set(CommunityResource.objects.editable_by(chuo_officer)) == {own}
    chuo_stage = stage(district("X1", "chuo"), 2015, 2)
    stage(district("X2", "higashi"), 2015, 2)
    assert list(HealthTownPlanningRecord.objects.editable_by(chuo_officer)) == [chuo_stage]
    headcount("promoter-8020", 2015, 3, None)
    assert not VolunteerHeadcount.objects.editable_by(chuo_officer).exists()


def test_the_existing_progress_policy_is_unchanged_for_workflow_records(chuo_officer):
    from tests.factories import value

    draft = value(ward_code="chuo")
    assert policy.allowed(chuo_officer, "submit", draft)
    assert not policy.allowed(AnonymousUser(), "view", draft)
