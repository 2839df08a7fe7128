"""The default year (issue 20, item 9): a page asked for no fiscal year shows the latest one
within the plan's reach with approved data, else the reach's first, and its year selector
offers that year, selected (``indicators.selectors.default_fiscal_year``, the one rule). With
Kumamoto's plan (no stated period: its reach is its indicators' years, FY2008–FY2022) and
with 架空市's (period FY2024–FY2029), including a copy of it that prints a figure of its own
from the year before its period, as a plan document does."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from community.access import Role
from community.services import staff_create
from indicators.selectors import default_fiscal_year, reporting_years
from infrastructure.workflow import Status
from tests.conftest import PASSWORD
from tests.factories import progress, value
from tests.test_second_city import KAKU, empty_the_database

pytestmark = pytest.mark.django_db

# The pages that pick a year by themselves (home, pillar and ward pages with a selector).
SELECTOR_PAGES = ("/", "/pillars/1/")
KUMAMOTO_PAGES = (
    *SELECTOR_PAGES,
    "/wards/中央区/",
    "/indicators/KPI-1-1/",
    "/yasashii/indicators/",
)
KAKU_PAGES = (*SELECTOR_PAGES, "/wards/あさひ区/", "/indicators/KPI-1-1/", "/yasashii/indicators/")
OPTION = re.compile(r'<option value="(\d{4})"( selected)?>')


def shown_year(client: Client, path: str) -> int:
    """The fiscal year ``path`` shows when none is asked for; where the page has a year
    selector, it must offer that year, selected, and no other selected."""
    response = client.get(path)
    assert response.status_code == 200, path
    year = response.context["fiscal_year"]
    html = response.content.decode()
    options = OPTION.findall(html)
    if 'name="fiscal_year"' in html:
        offered = [int(y) for y, _selected in options]
        assert offered, path
        assert year in offered, (path, year, offered)
        assert [int(y) for y, selected in options if selected] == [year], path
    return year


def completeness_year(client: Client) -> int:
    response = client.get("/admin/completeness/")
    assert response.status_code == 200
    options = OPTION.findall(response.content.decode())
    selected = [int(y) for y, chosen in options if chosen]
    assert selected == [response.context["fiscal_year"]]
    return selected[0]


def test_kumamoto_shows_its_latest_approved_year_as_before(client):
    # The plan's own H25 actual lies within its reach: the pages show FY2013, as they did.
    assert default_fiscal_year() == 2013
    assert {shown_year(client, path) for path in KUMAMOTO_PAGES} == {2013}


def test_kumamoto_follows_approved_data_only(client, planner):
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2016, status=Status.APPROVED)
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2019, status=Status.SUBMITTED)
    progress(initiative="1-2-1", ward_code="higashi", fiscal_year=2018, status=Status.DRAFT)
    assert {shown_year(client, path) for path in KUMAMOTO_PAGES} == {2016}
    # An approved report on an initiative is data the pages show (the progress grid) too.
    progress(initiative="1-2-1", ward_code="chuo", fiscal_year=2017, status=Status.APPROVED)
    assert {shown_year(client, path) for path in KUMAMOTO_PAGES} == {2017}
    client.force_login(planner)  # staff see drafts, but the year shown is the public's
    assert completeness_year(client) == 2017
    assert shown_year(client, "/") == 2017


def test_a_year_asked_for_is_kept_and_one_outside_the_reach_falls_back(client):
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2016, status=Status.APPROVED)
    assert client.get("/", {"fiscal_year": "H27"}).context["fiscal_year"] == 2015
    assert client.get("/", {"fiscal_year": 1999}).context["fiscal_year"] == 2016


@pytest.fixture
def kaku(db):
    empty_the_database()
    call_command("load_plan", str(KAKU), verbosity=0)


@pytest.fixture
def kaku_with_its_own_actual(db, tmp_path):
    """架空市's plan printing an actual of its own for FY2023, the year before its period
    (FY2024–FY2029): the figure the plan was written on."""
    folder = tmp_path / "kaku-city"
    shutil.copytree(KAKU, folder)
    pillar = Path(folder / "pillar-1.yaml")
    baseline = (
        '          - kind: baseline\n            fiscal_year: 2023\n            value: "20.0"\n'
    )
    text = pillar.read_text(encoding="utf-8")
    assert text.count(baseline) == 1
    own = '          - kind: actual\n            fiscal_year: 2023\n            value: "21.0"\n'
    pillar.write_text(text.replace(baseline, baseline + own), encoding="utf-8")
    empty_the_database()
    call_command("load_plan", str(folder), verbosity=0)


@pytest.fixture
def kaku_planner_client(kaku):
    client = Client()
    client.force_login(staff_create(username="kaku_planner", role=Role.PLANNER, password=PASSWORD))
    return client


def test_a_plan_without_data_shows_its_periods_first_year(client, kaku_planner_client):
    assert reporting_years() == list(range(2024, 2030))
    assert {shown_year(client, path) for path in KAKU_PAGES} == {2024}
    assert completeness_year(kaku_planner_client) == 2024


@pytest.mark.usefixtures("kaku_with_its_own_actual")
def test_the_plans_own_figure_before_its_period_does_not_take_the_pages_out_of_it(client):
    from indicators.models import IndicatorValue

    own = IndicatorValue.objects.get(kind="actual")
    assert (own.fiscal_year, own.status, own.origin) == (2023, Status.APPROVED, "plan")
    assert 2023 not in reporting_years()
    assert {shown_year(client, path) for path in KAKU_PAGES} == {2024}
    home = client.get("/").content.decode()
    assert '<option value="2023"' not in home


@pytest.mark.usefixtures("kaku_with_its_own_actual")
def test_the_second_city_shows_its_latest_approved_year_in_its_period(client):
    value(indicator="KPI-1-1", ward_code="asahi", fiscal_year=2026, status=Status.APPROVED)
    value(indicator="KPI-1-2", ward_code="yuhi", fiscal_year=2027, status=Status.SUBMITTED)
    assert {shown_year(client, path) for path in KAKU_PAGES} == {2026}
