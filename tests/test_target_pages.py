"""Target revisions on the pages, in the chart and in the annual report."""

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators.charts import chart_data
from indicators.models import Indicator
from indicators.selectors import series_by_indicator
from indicators.services import target_revise

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(planner):
    return target_revise(
        user=planner,
        indicator=Indicator.objects.get(code="KPI-1-1"),
        fiscal_year=2022,
        value=Decimal("80.25"),
        revised_in=2018,
        reason="中間見直しで延長",
    )


def test_the_chart_draws_the_original_and_the_revised_target_lines(revised):
    kpi = revised.indicator
    chart = chart_data(kpi, series_by_indicator([kpi], fiscal_year=2019)[kpi.pk])
    sets = {d["key"]: d for d in chart["datasets"]}
    assert {"target", "target-revised"} <= set(sets)
    labels = chart["labels"]
    original = dict(zip(labels, sets["target"]["data"], strict=True))
    revision = dict(zip(labels, sets["target-revised"]["data"], strict=True))
    # The original from the baseline year to its own; the revision from 2018 to 2022.
    assert original["2008 (H20)"] == original["2017 (H29)"] == 79.41
    assert revision["2018 (H30)"] == revision["2022 (R4)"] == 80.25
    assert "2018年度（平成30年度）に見直し" in sets["target-revised"]["label"]
    # The table beside the chart says the same.
    assert "目標値（2018年度（平成30年度）に見直し）" in chart["table"]["columns"]


def test_the_indicator_page_lists_every_target_with_the_one_in_force(client, revised):
    html = client.get("/indicators/KPI-1-1/", {"fiscal_year": 2019}).content.decode()
    assert "目標値と見直し" in html and "中間見直しで延長" in html
    assert html.count('class="in-force"') == 1
    then = client.get("/indicators/KPI-1-1/", {"fiscal_year": 2016}).content.decode()
    assert "中間見直しで延長" in then  # still listed, but not in force then
    chart = json.loads(then.split('id="chart-main" type="application/json">')[1].split("<")[0])
    expected = [v for v in chart["datasets"][1]["data"] if v is not None]
    assert expected[-1] == 79.41  # the expected line ends at the target then in force


def test_the_report_lists_the_targets_known_and_evaluates_against_the_one_in_force(client, revised):
    # A year's report shows what was known that year: FY2016's has no revision of 2018.
    page = client.get("/reports/2016/").content.decode()
    assert "中間見直しで延長" not in page and "55.0%" in page
    assert "中間見直しで延長" in client.get("/reports/2018/").content.decode()
    workbook = load_workbook(io.BytesIO(client.get("/reports/2018.xlsx").content))
    cells = [c.value for row in workbook["施策1"].iter_rows() for c in row]
    assert "2018年度（平成30年度）に見直し" in cells and "当初（計画書）" in cells
    assert 26.8 in cells  # the achievement rate against the revised target


def test_a_revision_makes_a_stored_report_stale(revised):
    import datetime

    from portal.annual_reports import report_is_stale
    from programs.models import AnnualReport

    report = AnnualReport(
        fiscal_year=2018, generated_at=revised.set_at - datetime.timedelta(minutes=1)
    )
    assert report_is_stale(report)
    report.generated_at = revised.set_at + datetime.timedelta(minutes=1)
    assert not report_is_stale(report)
