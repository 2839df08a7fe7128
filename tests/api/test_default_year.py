"""The dashboard's default fiscal year (issue 20, item 9): without ``fiscal_year`` it shows
the year the pages show first (``indicators.selectors.default_fiscal_year``): the latest in
the plan's reach with approved data, else the reach's first."""

import pytest
from django.core.management import call_command

from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.factories import value
from tests.test_second_city import KAKU, empty_the_database

pytestmark = pytest.mark.django_db


def test_the_dashboard_defaults_to_the_latest_approved_year(anon):
    assert anon.get("/api/v1/dashboard/").json()["fiscal_year"] == 2013  # the plan's H25
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2016, status=Status.APPROVED)
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2018)  # a draft counts not
    default = anon.get("/api/v1/dashboard/").json()
    assert default == anon.get("/api/v1/dashboard/", {"fiscal_year": 2016}).json()
    assert default["fiscal_year_label"] == "2016年度（平成28年度）"
    assert anon.get("/api/v1/dashboard/", {"ward": "chuo"}).json()["fiscal_year"] == 2016
    bad = anon.get("/api/v1/dashboard/", {"fiscal_year": "平成百年度"})
    assert bad.status_code == 400 and "fiscal_year" in bad.json()["error"]["fields"]


def test_the_dashboard_of_a_plan_without_data_shows_its_periods_first_year():
    empty_the_database()
    call_command("load_plan", str(KAKU), verbosity=0)
    dashboard = client_for().get("/api/v1/dashboard/").json()
    assert dashboard["fiscal_year"] == 2024  # 架空市's period is FY2024–FY2029
    assert [w["ward"] for w in dashboard["wards"]] == ["あさひ区", "ゆうひ区", "ほしぞら区"]
