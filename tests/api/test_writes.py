"""Writing through the API: natural keys, roles, If-Match, workflow actions, errors."""

import pytest

from indicators.models import IndicatorValue
from infrastructure.workflow import Status
from programs.models import InitiativeProgress
from tests.conftest import PASSWORD
from tests.factories import value

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicator-values/"


def entry(**fields):
    return {
        "indicator": "KPI-3-1",
        "ward": "中央区",
        "fiscal_year": "平成27年度",
        "kind": "actual",
        "value": "115,000".replace(",", ""),
        "note": "",
        **fields,
    }


def test_a_ward_officer_enters_submits_and_a_planner_approves(chuo, plan_client):
    created = chuo.post(URL, entry(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["fiscal_year"], body["status"], body["ward"]) == (2015, "draft", "中央区")
    etag = created["ETag"]
    assert etag == f'"{body["id"]}-1"'

    submitted = chuo.post(f"{URL}{body['id']}/submit/", {}, HTTP_IF_MATCH=etag, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    refused = chuo.post(
        f"{URL}{body['id']}/approve/", {}, HTTP_IF_MATCH=submitted["ETag"], format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    approved = plan_client.post(
        f"{URL}{body['id']}/approve/",
        {"comment": "OK"},
        HTTP_IF_MATCH=submitted["ETag"],
        format="json",
    )
    assert approved.status_code == 200
    data = approved.json()
    assert data["status"] == "approved" and data["version"] == 3
    assert [(t["transition"], t["user"]) for t in data["transitions"]] == [
        ("submit", "chuo_officer"),
        ("approve", "planner"),
    ]


def test_a_ward_officer_cannot_write_another_wards_or_city_wide_records(chuo):
    for ward in ("東区", None):
        response = chuo.post(URL, entry(ward=ward), format="json")
        assert response.status_code == 403, response.json()
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_nor_change_submit_or_delete_them(chuo):
    other = value(ward_code="higashi", status=Status.APPROVED)  # visible to all, not theirs
    for method, path, data in [
        ("patch", f"{URL}{other.pk}/", {"value": "1"}),
        ("post", f"{URL}{other.pk}/submit/", {}),
        ("delete", f"{URL}{other.pk}/", None),
    ]:
        response = getattr(chuo, method)(path, data, HTTP_IF_MATCH=other.etag, format="json")
        assert response.status_code == 403, (method, path)
    other.refresh_from_db()
    assert other.version == 1


def test_the_public_cannot_write(anon):
    assert anon.post(URL, entry(), format="json").status_code in (401, 403)


def test_planners_enter_city_wide_values(plan_client):
    response = plan_client.post(
        URL, entry(ward=None, indicator="KPI-3-2", value="19.5"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["ward"] is None


def test_updates_need_if_match_428_and_a_stale_one_412_with_what_changed(chuo):
    record = value(ward_code="chuo")
    missing = chuo.patch(f"{URL}{record.pk}/", {"value": "116000"}, format="json")
    assert missing.status_code == 428
    first = chuo.patch(
        f"{URL}{record.pk}/",
        {"value": "116000", "note": "訂正"},
        HTTP_IF_MATCH=record.etag,
        format="json",
    )
    assert first.status_code == 200 and first["ETag"] == f'"{record.pk}-2"'
    stale = chuo.patch(
        f"{URL}{record.pk}/", {"value": "117000"}, HTTP_IF_MATCH=record.etag, format="json"
    )
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["current_version"] == 2
    assert error["changes"]["value"] == {"yours": "115000.0000", "current": "116000.0000"}
    record.refresh_from_db()
    assert record.value == 116000


def test_validation_errors_name_the_field(chuo):
    response = chuo.post(URL, entry(indicator="KPI-1-1", value="120"), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "value" in error["fields"]
    assert "0〜100" in error["message"]
    english = chuo.post(
        URL, entry(indicator="KPI-1-1", value="120"), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "0 and 100" in english.json()["error"]["fields"]["value"][0]
    bad_year = chuo.post(URL, entry(fiscal_year="H"), format="json")
    assert "fiscal_year" in bad_year.json()["error"]["fields"]
    unknown = chuo.post(URL, entry(indicator="KPI-9-9"), format="json")
    assert "indicator" in unknown.json()["error"]["fields"]


def test_a_duplicate_is_a_400_not_a_500(chuo):
    assert chuo.post(URL, entry(), format="json").status_code == 201
    duplicate = chuo.post(URL, entry(), format="json")
    assert duplicate.status_code == 400
    assert IndicatorValue.objects.filter(origin="entry").count() == 1


def test_return_requires_a_comment(plan_client):
    record = value(ward_code="chuo", status=Status.SUBMITTED)
    response = plan_client.post(
        f"{URL}{record.pk}/return/", {}, HTTP_IF_MATCH=record.etag, format="json"
    )
    assert response.status_code == 400 and "comment" in response.json()["error"]["fields"]
    ok = plan_client.post(
        f"{URL}{record.pk}/return/",
        {"comment": "根拠資料を添付してください"},
        HTTP_IF_MATCH=record.etag,
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "draft"


def test_delete_own_draft(chuo):
    record = value(ward_code="chuo")
    assert chuo.delete(f"{URL}{record.pk}/", HTTP_IF_MATCH=record.etag).status_code == 204
    assert not IndicatorValue.objects.filter(pk=record.pk).exists()


def test_token_exchange(anon, chuo_officer):
    response = anon.post(
        "/api/v1/auth/token/", {"username": "chuo_officer", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert chuo_officer.auth_token_set.get().token_key == token[:15]
    wrong = anon.post(
        "/api/v1/auth/token/", {"username": "chuo_officer", "password": "x"}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid"


def test_initiative_progress_through_the_api(chuo, plan_client):
    response = chuo.post(
        "/api/v1/initiative-progress/",
        {
            "initiative": "1-2-1",
            "ward": "中央区",
            "fiscal_year": "H27",
            "state": "in_progress",
            "results": "認知症サポーター養成講座",
            "trainees": 120,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    record = response.json()
    by_section = chuo.post(
        "/api/v1/initiative-progress/",
        {"section": "4-1", "ward": "中央区", "fiscal_year": 2015, "state": "completed"},
        format="json",
    )
    assert by_section.status_code == 201, by_section.json()
    assert by_section.json()["section"] == "4-1"
    submitted = chuo.post(
        f"/api/v1/initiative-progress/{record['id']}/submit/",
        {},
        HTTP_IF_MATCH=response["ETag"],
        format="json",
    )
    assert submitted.status_code == 200
    listed = plan_client.get("/api/v1/initiative-progress/", {"status": "submitted"}).json()
    assert [r["id"] for r in listed["results"]] == [record["id"]]
    assert InitiativeProgress.objects.count() == 2


def test_a_stale_workflow_action_says_what_changed(chuo, plan_client):
    record = value(ward_code="chuo")
    chuo.post(f"{URL}{record.pk}/submit/", {}, HTTP_IF_MATCH=record.etag, format="json")
    stale = plan_client.post(
        f"{URL}{record.pk}/approve/", {}, HTTP_IF_MATCH=record.etag, format="json"
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["changes"]["status"] == {"yours": "draft", "current": "submitted"}
