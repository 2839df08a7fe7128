"""A second, fictional city (tests/fixtures/plans/kaku-city/: 架空市, code 991007, three
wards, one chapter, two pillars, three indicators) on a database that holds no other plan:
loaded, entered, approved, shown on the dashboard and in the report, with no code change.

Each test empties the session's database of the shipped plan and its municipality first
(inside the test's transaction, rolled back after it), so the city stands alone."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from community.access import Role
from community.models import (
    CommunityResource,
    HealthTownPlanningRecord,
    Municipality,
    OrganisationType,
    SchoolDistrict,
    StaffProfile,
    VolunteerHeadcount,
    VolunteerProgram,
    Ward,
)
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue, RatingRule, Reminder, Target, Unit
from portal.annual_reports import annual_report_generate
from programs.models import AnnualReport, InitiativeProgress, Pillar, Plan, Theme
from programs.selectors import current_plan
from tests.api.conftest import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

KAKU = Path(__file__).parent / "fixtures" / "plans" / "kaku-city"
YEAR = 2025
SHIPPED_NAMES = ("熊本", "Kumamoto", "中央区", "431001")


def empty_the_database() -> None:
    """Everything the shipped plan and its municipality put into the database, and what
    hangs off it, in an order the foreign keys allow (reference data made by migrations,
    such as roles, life stages and the rating rules, stays: the rules go back to no
    municipality, for the next municipality loaded to take)."""
    RatingRule.objects.update(municipality=None)
    for model in (
        Reminder,
        IndicatorValue,
        Target,
        InitiativeProgress,
        AnnualReport,
        HealthTownPlanningRecord,
        VolunteerHeadcount,
        VolunteerProgram,
        CommunityResource,
        Indicator,
        Plan,
        SchoolDistrict,
        StaffProfile,
        Ward,
        OrganisationType,
        Municipality,
        Unit,
        Theme,
    ):
        model.objects.all().delete()


@pytest.fixture
def kaku_city(db):
    empty_the_database()
    call_command("load_plan", str(KAKU), verbosity=0)
    return Plan.objects.get()


@pytest.fixture
def asahi_officer(kaku_city):
    return staff_create(
        username="asahi_officer",
        role=Role.WARD_OFFICER,
        password=PASSWORD,
        ward=Ward.objects.get(code="asahi"),
    )


@pytest.fixture
def kaku_planner(kaku_city):
    return staff_create(username="kaku_planner", role=Role.PLANNER, password=PASSWORD)


def test_the_city_and_its_plan_come_from_the_data_files(kaku_city):
    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name, municipality.prefecture) == (
        "991007",
        "架空市",
        "架空県",
    )
    assert list(Ward.objects.values_list("code", "name", "municipality_code")) == [
        ("asahi", "あさひ区", "991015"),
        ("yuhi", "ゆうひ区", "991023"),
        ("hoshizora", "ほしぞら区", "991031"),
    ]
    assert (kaku_city.period_start, kaku_city.period_end) == (2024, 2029)
    assert kaku_city.municipality == municipality and current_plan() == kaku_city
    assert kaku_city.priority_areas.count() == 1
    assert list(Pillar.objects.values_list("number", flat=True)) == [1, 2]
    assert sorted(Indicator.objects.values_list("code", flat=True)) == [
        "KPI-1-1",
        "KPI-1-2",
        "KPI-2-1",
    ]
    call_command("load_plan", str(KAKU), "--check", verbosity=0)


def test_the_api_names_the_city_and_its_wards(kaku_city):
    anon = client_for()
    assert anon.get("/api/v1/municipality/").json() == {
        "municipality_code": "991007",
        "name": "架空市",
        "name_en": "Kaku City",
        "prefecture": "架空県",
        "wards": ["asahi", "yuhi", "hoshizora"],
        "area_word": "区",
        "area_word_en": "ward",
    }
    schema = anon.get("/api/schema/", {"format": "json"}).json()
    assert schema["info"]["title"] == "架空市地域福祉計画（試験用） API"
    wards = anon.get("/api/v1/wards/").json()
    assert [(w["name"], w["municipality_code"]) for w in wards] == [
        ("あさひ区", "991015"),
        ("ゆうひ区", "991023"),
        ("ほしぞら区", "991031"),
    ]


def test_entry_approval_dashboard_and_report_of_the_second_city(
    kaku_city, asahi_officer, kaku_planner, tasks_run_at_once
):
    officer, planner = client_for(asahi_officer), client_for(kaku_planner)
    url = "/api/v1/indicator-values/"

    # Entry: the ward officer enters and submits あさひ区's actual.
    created = officer.post(
        url,
        {
            "indicator": "KPI-1-1",
            "ward": "あさひ区",
            "fiscal_year": "令和7年度",
            "kind": "actual",
            "value": "26.0",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    record = created.json()["id"]
    submitted = officer.post(
        f"{url}{record}/submit/", {}, HTTP_IF_MATCH=created["ETag"], format="json"
    )
    assert submitted.status_code == 200, submitted.content
    # Another ward is not the officer's.
    other = officer.post(
        url,
        {"indicator": "KPI-1-1", "ward": "ゆうひ区", "fiscal_year": YEAR, "kind": "actual"}
        | {"value": "25.0"},
        format="json",
    )
    assert other.status_code == 403

    # Approval by the planner.
    approved = planner.post(
        f"{url}{record}/approve/", {}, HTTP_IF_MATCH=submitted["ETag"], format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    # The dashboard, in the API: two pillars; あさひ区 has one of three values approved.
    dashboard = client_for().get("/api/v1/dashboard/", {"fiscal_year": YEAR}).json()
    assert [p["number"] for p in dashboard["pillars"]] == [1, 2]
    assert sum(p["indicators"] for p in dashboard["pillars"]) == 3
    asahi = next(w for w in dashboard["wards"] if w["ward"] == "あさひ区")
    assert asahi["indicator_values"]["approved"] == 1
    assert asahi["indicator_values"]["expected"] == 3
    assert [w["ward"] for w in dashboard["wards"]] == ["あさひ区", "ゆうひ区", "ほしぞら区"]
    series = client_for().get("/api/v1/indicators/KPI-1-1/series/", {"ward": "あさひ区"}).json()
    assert [(p["kind"], p["fiscal_year"], p["value"]) for p in series["points"]] == [
        ("baseline", 2023, "20"),
        ("actual", YEAR, "26"),
        ("target", 2029, "32"),
    ]
    assert series["progress"]["achievement_rate"] == "50.0"  # (26 − 20) / (32 − 20)

    # ... and on the pages, named after the city's plan and nothing else.
    pages = Client()
    home = pages.get("/", {"fiscal_year": YEAR}).content.decode()
    assert "架空市地域福祉計画（試験用）" in home
    assert "KPI-2-1" in home
    for path in ("/", "/pillars/1/", "/pillars/2/", "/indicators/KPI-1-1/", "/wards/あさひ区/"):
        response = pages.get(path)
        assert response.status_code == 200, path
        assert not any(name in response.content.decode() for name in SHIPPED_NAMES), path
    assert pages.get("/pillars/3/").status_code == 404
    with_ward = pages.get("/indicators/KPI-1-1/").content.decode()
    assert "あさひ区" in with_ward and "26.0" in with_ward

    # The annual report: the printable page, its xlsx and the stored report made by the job.
    page = pages.get(f"/reports/{YEAR}/")
    assert page.status_code == 200 and "見守り活動に参加した市民の割合" in page.content.decode()
    assert pages.get(f"/reports/{YEAR}.xlsx").status_code == 200
    assert planner.post(f"/api/v1/reports/{YEAR}/").status_code == 202
    report = annual_report_generate(fiscal_year=YEAR)
    stored = report.html.read().decode()
    assert "架空市地域福祉計画（試験用）" in stored and "KPI-1-2" in stored
    assert "見守りボランティアの養成" in stored and "ほしぞら区" in stored


def test_the_admin_header_names_the_citys_plan(kaku_city, kaku_planner):
    pages = Client()
    pages.force_login(kaku_planner)
    admin = pages.get("/admin/").content.decode()
    assert "架空市地域福祉計画（試験用） 進捗管理" in admin
    assert not any(name in admin for name in SHIPPED_NAMES)


def test_another_municipalitys_plan_loads_beside_it(kaku_city):
    """One installation may serve several municipalities (issue 22): a second folder adds
    its municipality and leaves the first one's plan alone."""
    hinata = Path(__file__).parent / "fixtures" / "plans" / "hinata-town"
    before = set(Plan.objects.values_list("pk", "title"))
    call_command("load_plan", str(hinata), verbosity=0)
    assert set(Municipality.objects.values_list("code", flat=True)) == {"991007", "993018"}
    assert before <= set(Plan.objects.values_list("pk", "title"))
    assert Plan.objects.get(pk=kaku_city.pk).municipality.code == "991007"
