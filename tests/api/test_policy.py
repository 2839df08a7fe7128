"""The row-level policy (infrastructure.access), as a matrix: persona × record × action.
The API, the admin and imports all ask these same questions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from indicators.models import IndicatorValue
from infrastructure import policy
from infrastructure.workflow import Status
from tests.factories import value

pytestmark = pytest.mark.django_db

RECORDS = {
    "own_draft": dict(ward_code="chuo", status=Status.DRAFT),
    "own_submitted": dict(ward_code="chuo", status=Status.SUBMITTED),
    "own_approved": dict(ward_code="chuo", status=Status.APPROVED),
    "other_draft": dict(ward_code="higashi", status=Status.DRAFT),
    "other_submitted": dict(ward_code="higashi", status=Status.SUBMITTED),
    "other_approved": dict(ward_code="higashi", status=Status.APPROVED),
    "city_draft": dict(ward_code=None, status=Status.DRAFT),
    "city_submitted": dict(ward_code=None, status=Status.SUBMITTED),
}
ACTIONS = ["view", "create", "change", "delete", "submit", "approve", "return", "reopen"]

# Y = allowed. Status rules (e.g. only a draft can be submitted) are the workflow's, tested
# separately; this is who may act on whose record.
MATRIX = {
    ("chuo_officer", "own_draft"): "view create change delete submit",
    ("chuo_officer", "own_submitted"): "view create submit",
    ("chuo_officer", "own_approved"): "view create submit",
    ("chuo_officer", "other_draft"): "",
    ("chuo_officer", "other_submitted"): "",
    ("chuo_officer", "other_approved"): "view",
    ("chuo_officer", "city_draft"): "",
    ("chuo_officer", "city_submitted"): "",
    ("planner", "own_draft"): "view create change delete submit approve return reopen",
    ("planner", "own_submitted"): "view create change delete submit approve return reopen",
    ("planner", "own_approved"): "view create submit approve return reopen",
    ("planner", "other_draft"): "view create change delete submit approve return reopen",
    ("planner", "city_draft"): "view create change delete submit approve return reopen",
    ("planner", "city_submitted"): "view create change delete submit approve return reopen",
    ("anonymous", "own_draft"): "",
    ("anonymous", "own_approved"): "view",
}


@pytest.mark.parametrize(("persona", "record"), MATRIX, ids=lambda x: x)
def test_matrix(request, persona, record):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    row = value(**RECORDS[record])
    allowed = set(MATRIX[(persona, record)].split())
    for action in ACTIONS:
        assert policy.allowed(user, action, row) == (action in allowed), (persona, record, action)


def test_the_plan_values_are_for_load_plan_alone(planner, city_admin):
    plan_value = IndicatorValue.objects.get(indicator__code="KPI-1-1", kind="actual")
    for user in (planner, city_admin):
        assert policy.allowed(user, "view", plan_value)
        for action in ("change", "delete", "reopen"):
            assert not policy.allowed(user, action, plan_value)


def test_visible_records_per_persona(chuo_officer, planner):
    for name, spec in RECORDS.items():
        value(
            **spec,
            indicator="KPI-3-2" if "city" in name else "KPI-3-1",
            fiscal_year=2014 + list(RECORDS).index(name) % 5,
        )
    entered = IndicatorValue.objects.filter(origin="entry")
    assert entered.visible_to(AnonymousUser()).count() == 2  # own_ and other_approved
    officer_sees = set(entered.visible_to(chuo_officer).values_list("ward__code", "status"))
    assert ("higashi", Status.DRAFT) not in officer_sees
    assert ("chuo", Status.DRAFT) in officer_sees
    assert entered.visible_to(planner).count() == len(RECORDS)
    assert set(entered.editable_by(chuo_officer).values_list("ward__code", "status")) == {
        ("chuo", Status.DRAFT)
    }


def test_denials_say_why_in_the_users_language(chuo_officer):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    row = value(ward_code="higashi")
    with translation.override("ja"), pytest.raises(PermissionDenied, match="他の区"):
        policy.check(chuo_officer, "change", row)
    with translation.override("en"), pytest.raises(PermissionDenied, match="another ward"):
        policy.check(chuo_officer, "change", row)
