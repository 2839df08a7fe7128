"""/api/v1/evaluations/: reads scoped to the reader, writes through the services, the
workflow's actions, If-Match and the errors."""

import pytest

from evaluations.models import Evaluation
from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.factories import evaluation

pytestmark = pytest.mark.django_db

URL = "/api/v1/evaluations/"


@pytest.fixture
def anon():
    return client_for()


EXAMPLE = {
    "fiscal_year": 2016,
    "pillar": 1,
    "stage": "secondary",
    "rating": "B",
    "analysis": "見守り活動の担い手は増えたが、校区による差が大きい。",
    "issues": "担い手の少ない校区への支援。",
    "direction": "continue",
}


def test_a_planner_creates_the_issues_example(planner):
    response = client_for(planner).post(URL, EXAMPLE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["pillar"], body["section"], body["initiative"]) == (1, None, None)
    assert (body["stage"], body["stage_label"], body["rating"]) == ("secondary", "二次評価", "B")
    assert (body["direction"], body["direction_label"]) == ("continue", "継続")
    assert (body["status"], body["version"], body["department"]) == ("draft", 1, None)
    assert response["ETag"] == f'"{body["id"]}-1"'
    record = Evaluation.objects.get(pk=body["id"])
    assert record.pillar.number == 1 and record.history.get().history_user == planner


def test_a_ward_officer_gets_403(chuo_officer):
    response = client_for(chuo_officer).post(URL, EXAMPLE, format="json")
    assert response.status_code == 403
    assert "所管課の職員と計画担当" in response.json()["error"]["message"]
    assert not Evaluation.objects.exists()


def test_a_department_officer_posts_their_items_primary_only(dept_officer, other_department):
    client = client_for(dept_officer)
    primary = {"fiscal_year": 2016, "stage": "primary", "rating": "B", "results": "訪問 340 件"}
    own_section = client.post(URL, {**primary, "section": "1-2"}, format="json")
    assert own_section.status_code == 201, own_section.json()
    assert own_section.json()["department"] == "地域福祉課"
    own_initiative = client.post(URL, {**primary, "initiative": "1-2-1"}, format="json")
    assert own_initiative.status_code == 201
    refused = [
        client.post(URL, {**primary, "section": "1-2", "stage": "secondary"}, format="json"),
        client.post(URL, {**primary, "section": "1-2", "stage": "council"}, format="json"),
        client.post(URL, {**primary, "section": "1-1"}, format="json"),
        client.post(URL, {**primary, "initiative": "1-1-1"}, format="json"),
        client.post(URL, {**primary, "pillar": 1}, format="json"),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert Evaluation.objects.count() == 2


def test_anonymous_readers_see_approved_evaluations_only(anon, dept_officer):
    approved = evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="B")
    draft = evaluation(section="1-2", stage="primary")
    submitted = evaluation(section="1-2", stage="secondary", status=Status.SUBMITTED)
    listed = anon.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [approved.pk]
    assert anon.get(f"{URL}{draft.pk}/").status_code == 404
    assert anon.get(f"{URL}{approved.pk}/").status_code == 200
    own = client_for(dept_officer).get(URL).json()
    assert {row["id"] for row in own["results"]} == {approved.pk, draft.pk, submitted.pk}


def test_filters_by_fiscal_year_pillar_and_stage(anon):
    wanted = evaluation(pillar=1, stage="secondary", status=Status.APPROVED)
    on_section = evaluation(section="1-2", stage="secondary", status=Status.APPROVED)
    evaluation(pillar=1, stage="council", status=Status.APPROVED)
    evaluation(pillar=1, stage="secondary", fiscal_year=2017, status=Status.APPROVED)
    evaluation(pillar=3, stage="secondary", status=Status.APPROVED)
    response = anon.get(URL, {"fiscal_year": "H28", "pillar": 1, "stage": "secondary"})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk, on_section.pk]
    bad = anon.get(URL, {"stage": "final"})
    assert bad.status_code == 400 and "stage" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("language", "rating_text", "direction_text"),
    [("ja", "評価「Z」は使えません", "今後の方向性「grow」は使えません"), ("en", "Z", "grow")],
)
def test_bad_rating_or_direction_is_a_400_naming_the_field(
    planner, language, rating_text, direction_text
):
    client = client_for(planner)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    rating = client.post(URL, {**EXAMPLE, "rating": "Z"}, format="json", **headers)
    assert rating.status_code == 400
    assert list(rating.json()["error"]["fields"]) == ["rating"]
    assert rating_text in rating.json()["error"]["fields"]["rating"][0]
    direction = client.post(URL, {**EXAMPLE, "direction": "grow"}, format="json", **headers)
    assert direction.status_code == 400
    assert list(direction.json()["error"]["fields"]) == ["direction"]
    assert direction_text in direction.json()["error"]["fields"]["direction"][0]
    if language == "en":
        assert "not" in rating.json()["error"]["fields"]["rating"][0]
        assert "expand" in direction.json()["error"]["fields"]["direction"][0]
        assert "使えません" not in direction.json()["error"]["fields"]["direction"][0]
    assert not Evaluation.objects.exists()


def test_two_subjects_or_a_duplicate_are_400s(planner):
    client = client_for(planner)
    both = client.post(URL, {**EXAMPLE, "section": "1-2"}, format="json")
    assert both.status_code == 400
    assert client.post(URL, EXAMPLE, format="json").status_code == 201
    again = client.post(URL, EXAMPLE, format="json")
    assert again.status_code == 400
    assert "すでに登録されています" in again.json()["error"]["message"]


def test_if_match_guards_every_change(planner):
    client = client_for(planner)
    record = evaluation(pillar=1, stage="secondary")
    url = f"{URL}{record.pk}/"
    assert client.patch(url, {"issues": "x"}, format="json").status_code == 428
    assert client.patch(url, {"issues": "x"}, format="json", HTTP_IF_MATCH="*").status_code == 428
    first = client.patch(url, {"issues": "担い手"}, format="json", HTTP_IF_MATCH=record.etag)
    assert first.status_code == 200 and first["ETag"] == f'"{record.pk}-2"'
    stale = client.patch(url, {"issues": "上書き"}, format="json", HTTP_IF_MATCH=record.etag)
    assert stale.status_code == 412
    assert stale.json()["error"]["changes"]["issues"] == {"yours": "", "current": "担い手"}
    record.refresh_from_db()
    assert (record.issues, record.version) == ("担い手", 2)
    gone = client.delete(url, HTTP_IF_MATCH=record.etag)
    assert gone.status_code == 204 and not Evaluation.objects.exists()


def test_the_workflow_through_the_api_with_its_history(dept_officer, planner):
    officer, reviewer = client_for(dept_officer), client_for(planner)
    created = officer.post(
        URL,
        {"fiscal_year": 2016, "section": "1-2", "stage": "primary", "rating": "C"},
        format="json",
    )
    url = f"{URL}{created.json()['id']}/"
    submitted = officer.post(f"{url}submit/", {}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    refused = officer.post(f"{url}approve/", {}, format="json", HTTP_IF_MATCH=submitted["ETag"])
    assert refused.status_code == 403
    no_reason = reviewer.post(f"{url}return/", {}, format="json", HTTP_IF_MATCH=submitted["ETag"])
    assert no_reason.status_code == 400 and "comment" in no_reason.json()["error"]["fields"]
    returned = reviewer.post(
        f"{url}return/",
        {"comment": "課題を具体的に"},
        format="json",
        HTTP_IF_MATCH=submitted["ETag"],
    )
    assert returned.json()["status"] == "draft"
    again = officer.post(f"{url}submit/", {}, format="json", HTTP_IF_MATCH=returned["ETag"])
    approved = reviewer.post(f"{url}approve/", {}, format="json", HTTP_IF_MATCH=again["ETag"])
    assert approved.json()["status"] == "approved"
    locked = officer.patch(url, {"rating": "B"}, format="json", HTTP_IF_MATCH=approved["ETag"])
    assert locked.status_code == 403
    reopened = reviewer.post(
        f"{url}reopen/", {"comment": "数値の訂正"}, format="json", HTTP_IF_MATCH=approved["ETag"]
    )
    body = reopened.json()
    assert body["status"] == "draft"
    assert [(t["transition"], t["user"]) for t in body["transitions"]] == [
        ("submit", "dept_officer"),
        ("return", "planner"),
        ("submit", "dept_officer"),
        ("approve", "planner"),
        ("reopen", "planner"),
    ]
    record = Evaluation.objects.get(pk=body["id"])
    history = list(
        record.history.order_by("history_date").values_list(
            "version", "status", "history_user__username"
        )
    )
    assert history[0] == (1, "draft", "dept_officer")
    assert history[-1] == (6, "draft", "planner")


def test_an_approval_moves_the_public_pages_on(planner):
    from indicators.selectors import generation

    record = evaluation(pillar=1, stage="secondary", status=Status.SUBMITTED)
    before = generation()
    client_for(planner).post(
        f"{URL}{record.pk}/approve/", {}, format="json", HTTP_IF_MATCH=record.etag
    )
    assert generation() != before


def test_xlsx_and_csv_of_the_list(anon):
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, analysis="理由")
    xlsx = anon.get(URL, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv_body = anon.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    assert "analysis" in csv_body.splitlines()[0] and "理由" in csv_body


def test_the_plan_content_names_each_items_department(anon, welfare_department):
    initiative = anon.get("/api/v1/initiatives/1-2-1/").json()
    assert initiative["department"] == "地域福祉課"
    assert anon.get("/api/v1/initiatives/1-3-1/").json()["department"] is None
    pillar = anon.get("/api/v1/pillars/1/").json()
    departments = {section["code"]: section["department"] for section in pillar["sections"]}
    assert departments["1-2"] == "地域福祉課" and departments["1-1"] is None
