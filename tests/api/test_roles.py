"""Every endpoint for each reader and writer: anonymous, a ward officer of another ward,
the officer of the record's own ward, and a planner."""

import pytest

from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.factories import value

pytestmark = pytest.mark.django_db

READ_ENDPOINTS = [
    "/api/v1/",
    "/api/v1/pillars/",
    "/api/v1/pillars/1/",
    "/api/v1/sections/",
    "/api/v1/initiatives/",
    "/api/v1/initiatives/2-3/",
    "/api/v1/wards/",
    "/api/v1/wards/chuo/",
    "/api/v1/school-districts/",
    "/api/v1/indicators/",
    "/api/v1/indicators/KPI-4-1/",
    "/api/v1/indicators/KPI-4-1/series/",
    "/api/v1/indicator-values/",
    "/api/v1/initiative-progress/",
    "/api/v1/evaluations/",
    "/api/v1/evaluations/?fiscal_year=H28&pillar=1&stage=secondary",
    "/api/v1/dashboard/?fiscal_year=2016",
    "/api/schema/",
]
PERSONAS = ["anonymous", "higashi_officer", "chuo_officer", "dept_officer", "planner"]


def client_of(request, persona):
    return client_for(None if persona == "anonymous" else request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_everyone_reads_every_endpoint(request, persona, url):
    assert client_of(request, persona).get(url).status_code == 200


# persona: (sees the 中央区 draft, may change it, may submit it, may approve it when submitted)
EXPECTED = {
    "anonymous": (404, 401, 401, 401),
    "higashi_officer": (404, 404, 404, 404),
    "chuo_officer": (200, 200, 200, 403),
    "dept_officer": (404, 404, 404, 404),  # a ward's record is no department's
    "planner": (200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_wards_draft_for_each_persona(request, persona):
    see, change, submit, approve = EXPECTED[persona]
    client = client_of(request, persona)
    url = "/api/v1/indicator-values/"
    draft = value(ward_code="chuo")
    assert client.get(f"{url}{draft.pk}/").status_code == see
    changed = client.patch(
        f"{url}{draft.pk}/", {"note": "更新"}, HTTP_IF_MATCH=draft.etag, format="json"
    )
    assert changed.status_code == change
    draft.refresh_from_db()
    submitted = client.post(f"{url}{draft.pk}/submit/", {}, HTTP_IF_MATCH=draft.etag, format="json")
    assert submitted.status_code == submit
    pending = value(ward_code="chuo", fiscal_year=2016, status=Status.SUBMITTED)
    approved = client.post(
        f"{url}{pending.pk}/approve/", {}, HTTP_IF_MATCH=pending.etag, format="json"
    )
    assert approved.status_code == approve
    pending.refresh_from_db()
    assert pending.status == (Status.APPROVED if approve == 200 else Status.SUBMITTED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_for_a_ward_or_city_wide(request, persona):
    client = client_of(request, persona)
    codes = []
    for ward in ("中央区", None):
        response = client.post(
            "/api/v1/indicator-values/",
            {
                "indicator": "KPI-3-2",
                "ward": ward,
                "fiscal_year": 2016,
                "kind": "actual",
                "value": "20.1",
            },
            format="json",
        )
        codes.append(response.status_code)
    assert (
        codes
        == {
            "anonymous": [401, 401],
            "higashi_officer": [403, 403],
            "chuo_officer": [201, 403],
            "dept_officer": [403, 403],
            "planner": [201, 201],
        }[persona]
    )
