"""Target revisions (目標値の見直し) through the API, as issue 11 states the contract."""

from decimal import Decimal

import pytest

from indicators.models import Target
from infrastructure.fiscal_year import current_fiscal_year
from infrastructure.workflow import Status
from tests.factories import value

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/KPI-1-1/targets/"
REVISION = {
    "value": "80.25",
    "fiscal_year": 2022,
    "revised_in": 2018,
    "reason": "中間見直しで目標年度を2022年度に延長",
}


def test_a_revision_from_fy2018_leaves_fy2016_on_the_original_target(plan_client, anon):
    """The acceptance test of the issue."""
    assert plan_client.post(URL, REVISION, format="json").status_code == 201

    then = anon.get("/api/v1/indicators/KPI-1-1/", {"fiscal_year": 2016}).json()
    assert then["target"] == {
        "fiscal_year": 2017,
        "fiscal_year_label": "2017年度（平成29年度）",
        "value": "79.41",
    }
    assert then["achievement_rate"] == "55.0"  # (79.05 − 78.61) / (79.41 − 78.61)

    now = anon.get("/api/v1/indicators/KPI-1-1/").json()
    assert (now["target"]["value"], now["target"]["fiscal_year"]) == ("80.25", 2022)
    # Against the revised target: (79.05 − 78.61) / (80.25 − 78.61) = 26.8 %.
    assert now["achievement_rate"] == "26.8"

    listed = {i["code"]: i for i in anon.get("/api/v1/indicators/", {"fiscal_year": "H28"}).json()}
    assert listed["KPI-1-1"]["target"]["value"] == "79.41"
    listed_now = {i["code"]: i for i in anon.get("/api/v1/indicators/").json()}
    assert listed_now["KPI-1-1"]["target"]["value"] == "80.25"


def test_the_targets_list_every_target_with_its_revision_and_the_one_in_force(plan_client, anon):
    created = plan_client.post(URL, REVISION, format="json")
    assert created.json()["in_force"] is True and created.json()["revised_in"] == 2018

    rows = anon.get(URL).json()
    assert [(r["value"], r["fiscal_year"], r["revised_in"], r["in_force"]) for r in rows] == [
        ("79.41", 2017, None, False),
        ("80.25", 2022, 2018, True),
    ]
    assert rows[1]["reason"] == REVISION["reason"]
    assert rows[0]["origin"] == "plan"
    # Who set it: a login name, for planners only (tests/api/test_review_privacy.py).
    assert rows[1]["set_by"] is None and created.json()["set_by"] == "planner"
    # In force as of an earlier year, if asked.
    earlier = anon.get(URL, {"fiscal_year": "平成29年度"}).json()
    assert [r["in_force"] for r in earlier] == [True, False]


def test_a_revision_never_overwrites_an_earlier_target(plan_client):
    original = Target.objects.get(indicator__code="KPI-1-1")
    plan_client.post(URL, REVISION, format="json")
    plan_client.post(URL, {**REVISION, "value": "81", "revised_in": 2020}, format="json")
    original.refresh_from_db()
    assert (original.value, original.revised_in) == (Decimal("79.41"), None)
    assert Target.objects.filter(indicator__code="KPI-1-1").count() == 3


def test_a_revision_is_kept_with_history_user_and_time(plan_client, planner):
    plan_client.post(URL, REVISION, format="json")
    target = Target.objects.get(indicator__code="KPI-1-1", revised_in=2018)
    assert target.set_by == planner and target.set_at is not None
    (created,) = target.history.all()
    assert (created.history_type, created.history_user) == ("+", planner)


def test_a_ward_officer_cannot_set_a_target(chuo):
    response = chuo.post(URL, REVISION, format="json")
    assert response.status_code == 403
    assert "計画担当" in response.json()["error"]["message"]
    english = chuo.post(URL, REVISION, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"] == "Only planners can set targets."
    assert not Target.objects.filter(revised_in__isnull=False).exists()


def test_the_public_cannot_set_a_target(anon):
    assert anon.post(URL, REVISION, format="json").status_code in (401, 403)
    assert not Target.objects.filter(revised_in__isnull=False).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REVISION, "reason": ""}, "reason"),
        ({**REVISION, "fiscal_year": 2016}, "fiscal_year"),  # before the year it was set in
        ({**REVISION, "value": "120"}, "value"),  # a rate above 100 %
        ({**REVISION, "revised_in": "いつか"}, "revised_in"),
        ({**REVISION, "value": "abc"}, "value"),
        ({k: v for k, v in REVISION.items() if k != "fiscal_year"}, "fiscal_year"),
    ],
)
def test_a_bad_revision_is_a_400_naming_the_field(plan_client, body, field):
    response = plan_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Target.objects.filter(revised_in__isnull=False).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators/",
        "/api/v1/indicators/KPI-1-1/",
        "/api/v1/indicators/KPI-1-1/series/",
        URL,
    ],
)
@pytest.mark.parametrize("bad", ["いつか", "H99999", "-1", "2013.5"])
def test_a_bad_fiscal_year_is_a_400_with_a_clear_message(anon, url, bad):
    response = anon.get(url, {"fiscal_year": bad})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["fiscal_year"] and error["message"]


def test_the_answer_is_as_of_the_year_asked_for_latest_approved_actual_up_to_it(anon):
    value(indicator="KPI-3-2", fiscal_year=2015, amount="20.0", status=Status.APPROVED)
    value(indicator="KPI-3-2", fiscal_year=2017, amount="22.0", status=Status.APPROVED)
    value(indicator="KPI-3-2", fiscal_year=2016, amount="30.0")  # a draft: never counted
    as_of = {
        year: anon.get("/api/v1/indicators/KPI-3-2/", {"fiscal_year": year}).json()
        for year in (2014, 2016, 2017)
    }
    assert as_of[2014]["latest_actual"] is None and as_of[2014]["status"] == "no_data"
    assert as_of[2016]["latest_actual"]["value"] == "20"
    assert as_of[2017]["latest_actual"]["value"] == "22"
    now = anon.get("/api/v1/indicators/KPI-3-2/").json()
    assert now["latest_actual"]["fiscal_year"] == 2017


def test_the_series_shows_every_target_and_draws_to_the_one_in_force(plan_client, anon):
    plan_client.post(URL, REVISION, format="json")
    data = anon.get("/api/v1/indicators/KPI-1-1/series/").json()
    targets = [(p["fiscal_year"], p["revised_in"]) for p in data["points"] if p["kind"] == "target"]
    assert targets == [(2017, None), (2022, 2018)]
    assert data["expected"][-1] == {
        "fiscal_year": 2022,
        "fiscal_year_label": "2022年度（令和4年度）",
        "value": "80.25",
    }
    assert [t["in_force"] for t in data["targets"]] == [False, True]
    assert data["fiscal_year"] == current_fiscal_year()
    then = anon.get("/api/v1/indicators/KPI-1-1/series/", {"fiscal_year": 2016}).json()
    assert then["expected"][-1]["value"] == "79.41"


def test_the_dashboard_evaluates_a_year_against_the_target_then_in_force(plan_client, anon):
    def pillar_1(year):
        data = anon.get("/api/v1/dashboard/", {"fiscal_year": year}).json()
        return next(p for p in data["pillars"] if p["number"] == 1)["mean_achievement_rate"]

    assert pillar_1(2016) == "55.0"
    plan_client.post(URL, REVISION, format="json")
    assert pillar_1(2016) == "55.0"
    assert pillar_1(2018) == "26.8"


def test_targets_come_as_csv(anon):
    response = anon.get(URL, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "79.41" in response.content.decode("utf-8-sig")


def test_an_indicator_value_of_kind_target_is_refused_with_where_to_go(plan_client):
    response = plan_client.post(
        "/api/v1/indicator-values/",
        {"indicator": "KPI-3-1", "fiscal_year": 2016, "kind": "target", "value": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert "targets/" in response.json()["error"]["fields"]["kind"][0]


def test_entry_years_extend_to_the_latest_target_year(plan_client, chuo):
    # The plan's own years reach FY2022 (H34); a revision aims at FY2025.
    body = {
        "indicator": "KPI-3-1",
        "ward": "中央区",
        "fiscal_year": 2024,
        "kind": "actual",
        "value": "100",
    }
    refused = chuo.post("/api/v1/indicator-values/", body, format="json")
    assert refused.status_code == 400 and "fiscal_year" in refused.json()["error"]["fields"]
    revision = {**REVISION, "fiscal_year": 2025}
    assert plan_client.post(URL, revision, format="json").status_code == 201
    assert chuo.post("/api/v1/indicator-values/", body, format="json").status_code == 201


def test_the_schema_documents_the_targets_and_the_fiscal_year_parameter(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    targets = schema["paths"]["/api/v1/indicators/{code}/targets/"]
    assert {"get", "post"} <= set(targets)
    assert "201" in targets["post"]["responses"] and "403" in targets["post"]["responses"]
    detail = schema["paths"]["/api/v1/indicators/{code}/"]["get"]
    assert "fiscal_year" in [p["name"] for p in detail["parameters"]]
    assert "400" in detail["responses"]
