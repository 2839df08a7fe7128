"""City-wide initiative progress (issue 20, item 3): a report with no ward (a department's,
say) is on the pillar page, in the council report (HTML, xlsx, PDF) and in the completeness
view, beside the wards' where the city has wards; a city without wards shows it alone,
without a ward table or heading. As everywhere, the public sees approved records only."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from community.access import Role
from community.models import Ward
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue
from infrastructure.workflow import Status
from portal.report_documents import report_pdf
from portal.reports import evaluation_context
from programs.models import Initiative, InitiativeProgress, Plan
from tests.conftest import PASSWORD
from tests.factories import progress, value
from tests.test_second_city import KAKU, empty_the_database

pytestmark = pytest.mark.django_db

YEAR = 2016
RESULTS = "全市で見守り訓練を実施した"  # the approved city-wide report's 成果
DRAFT_RESULTS = "未承認の市全体の報告"


def row_of(grid: dict, code: str) -> dict:
    return next(row for row in grid["rows"] if getattr(row["subject"], "code", None) == code)


@pytest.fixture
def city_wide_reports(db):
    """On the shipped plan: an approved city-wide report on 1-2-1, a draft one on 1-1-1, and
    中央区's approved report on 1-2-1, all of FY2016."""
    return {
        "approved": progress(
            initiative="1-2-1", fiscal_year=YEAR, status=Status.APPROVED, results=RESULTS
        ),
        "draft": progress(initiative="1-1-1", fiscal_year=YEAR, results=DRAFT_RESULTS),
        "chuo": progress(
            initiative="1-2-1", fiscal_year=YEAR, ward_code="chuo", status=Status.APPROVED
        ),
    }


# --- A city with wards: city-wide beside the wards -------------------------------------------


def test_the_pillar_page_shows_city_wide_progress_beside_the_wards(client, city_wide_reports):
    response = client.get("/pillars/1/", {"fiscal_year": YEAR})
    html = response.content.decode()
    grid = response.context["grid"]
    assert grid["columns"] == [None, *Ward.objects.all()]
    row = row_of(grid, "1-2-1")
    assert row["city_wide"] == city_wide_reports["approved"]
    assert row["cells"][0] == city_wide_reports["chuo"]  # 中央区, the first ward
    assert '<th scope="col">市全体</th>' in html
    assert '<td data-label="市全体">実施中</td>' in html
    assert "2016年度（平成28年度）の区ごとの進捗" in html  # the wards' heading stays
    # The draft is not the public's.
    assert row_of(grid, "1-1-1")["city_wide"] is None


def test_staff_who_may_see_a_city_wide_draft_see_it_marked(client, planner, city_wide_reports):
    client.force_login(planner)
    response = client.get("/pillars/1/", {"fiscal_year": YEAR})
    assert row_of(response.context["grid"], "1-1-1")["city_wide"] == city_wide_reports["draft"]
    assert '<td data-label="市全体">実施中 <span class="unapproved">（下書き）</span>' in (
        response.content.decode()
    )


def test_the_pillar_page_reads_city_wide_progress_in_the_same_queries(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/pillars/1/", {"fiscal_year": YEAR}).status_code == 200
        return len(captured)

    before = queries()
    for initiative in Initiative.objects.filter(pillar__number=1):
        progress(initiative=initiative.code, fiscal_year=YEAR, status=Status.APPROVED)
    assert queries() == before


def test_the_report_shows_city_wide_progress_in_html_and_xlsx(client, city_wide_reports):
    html = client.get(f"/reports/{YEAR}/").content.decode()
    assert RESULTS in html and DRAFT_RESULTS not in html
    assert '<th scope="row">市全体</th>' in html
    assert "区ごとの取組の状況" in html  # the wards' rows stay, under their caption

    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{YEAR}.xlsx").content))
    rows = [[c.value for c in row] for row in workbook["施策1"].iter_rows()]
    header = next(row for row in rows if row[0] == "取組施策")
    assert header[1:7] == ["市全体", *Ward.objects.values_list("name", flat=True)]
    initiative = str(Initiative.objects.get(code="1-2-1"))
    found = next(row for row in rows if row[0] == initiative)
    assert found[1] == f"実施中: {RESULTS}"
    assert found[2] == "実施中"  # 中央区's, with no 成果
    other = next(row for row in rows if row[0] == str(Initiative.objects.get(code="1-1-1")))
    assert other[1] == "未報告"  # the draft is not the public's


def test_the_completeness_view_counts_and_lists_city_wide_records(
    client, planner, chuo_officer, city_wide_reports
):
    value(indicator="KPI-3-1", fiscal_year=YEAR, status=Status.APPROVED)  # city-wide
    value(indicator="KPI-3-1", fiscal_year=YEAR, ward_code="chuo", status=Status.SUBMITTED)
    client.force_login(planner)
    page = client.get(reverse("admin-completeness"), {"fiscal_year": YEAR})
    city, *wards = page.context["counts"]
    assert city["ward"] is None and [row["ward"] for row in wards] == list(Ward.objects.all())
    assert (city["initiative_progress"]["approved"], city["initiative_progress"]["draft"]) == (
        1,
        1,
    )
    assert city["indicator_values"]["approved"] == 1
    assert wards[0]["indicator_values"]["submitted"] == 1  # 中央区's stays its own
    assert page.context["columns"] == [None, *Ward.objects.all()]
    rows = {r["subject"].code: r for r in page.context["progress_rows"]}
    assert rows["1-2-1"]["labelled"][:2] == [
        (None, "approved"),
        (Ward.objects.get(code="chuo"), "approved"),
    ]
    assert rows["1-1-1"]["labelled"][0] == (None, "draft")
    html = page.content.decode()
    assert '<th scope="row">市全体</th>' in html and '<th scope="col">市全体</th>' in html

    # A ward officer sees the city's approved records only: the draft is missing to them.
    client.force_login(chuo_officer)
    page = client.get(reverse("admin-completeness"), {"fiscal_year": YEAR})
    city = page.context["counts"][0]
    assert city["ward"] is None
    assert city["initiative_progress"]["approved"] == 1
    assert "draft" not in city["initiative_progress"]
    rows = {r["subject"].code: r for r in page.context["progress_rows"]}
    assert rows["1-1-1"]["labelled"][0] == (None, None)
    assert [w.code for w in page.context["wards"]] == ["chuo"]


# --- A city without wards: city-wide alone ---------------------------------------------------

NO_WARDS_YEAR = 2025
MUNICIPALITY = """\
# FICTIONAL (tests only): 架空市 as a city without wards.
code: "991007"
name: 架空市
name_en: Kaku City
prefecture: 架空県
"""


@pytest.fixture
def city_without_wards(db, tmp_path):
    """架空市 (tests/fixtures/plans/kaku-city) loaded without its wards, alone in the
    database, with an approved city-wide report on initiative 1-1-1 and an approved
    city-wide actual of KPI-1-1 for FY2025."""
    folder = tmp_path / "no-wards"
    shutil.copytree(KAKU, folder)
    (folder / "municipality.yaml").write_text(MUNICIPALITY, encoding="utf-8")
    empty_the_database()
    call_command("load_plan", str(folder), verbosity=0)
    assert not Ward.objects.exists()
    InitiativeProgress.objects.create(
        initiative=Initiative.objects.get(code="1-1-1"),
        fiscal_year=NO_WARDS_YEAR,
        state="in_progress",
        results=RESULTS,
        status=Status.APPROVED,
    )
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="KPI-1-1"),
        fiscal_year=NO_WARDS_YEAR,
        kind="actual",
        value=Decimal("26.0"),
        status=Status.APPROVED,
    )
    return Plan.objects.get()


def assert_no_ward_table(html: str) -> None:
    assert "区ごと" not in html
    assert '<th scope="col">区</th>' not in html


def test_without_wards_the_pillar_page_shows_city_wide_progress_alone(city_without_wards):
    response = Client().get("/pillars/1/", {"fiscal_year": NO_WARDS_YEAR})
    html = response.content.decode()
    assert response.context["grid"]["wards"] == []
    assert response.context["grid"]["columns"] == [None]
    assert "2025年度（令和7年度）の取組の進捗" in html
    assert '<th scope="col">市全体</th>' in html
    assert '<td data-label="市全体">実施中</td>' in html
    assert_no_ward_table(html)


def test_without_wards_the_indicator_page_shows_the_city_alone(city_without_wards):
    response = Client().get("/indicators/KPI-1-2/")
    html = response.content.decode()
    assert "市全体の実績値はまだありません。" in html
    assert_no_ward_table(html)
    response = Client().get("/indicators/KPI-1-1/")
    html = response.content.decode()
    assert "市全体の実績値" in html and "26.0" in html
    assert_no_ward_table(html)
    assert [d["key"] for d in response.context["ward_chart"]["datasets"]] == ["city"]
    assert "axes" not in response.context["ward_chart"]  # no second axis for wards


def test_without_wards_the_report_shows_city_wide_progress_alone(city_without_wards):
    client = Client()
    html = client.get(f"/reports/{NO_WARDS_YEAR}/").content.decode()
    assert RESULTS in html
    assert "市全体の取組の状況" in html and '<th scope="row">市全体</th>' in html
    assert_no_ward_table(html)

    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{NO_WARDS_YEAR}.xlsx").content))
    rows = [[c.value for c in row] for row in workbook["施策1"].iter_rows()]
    assert ["取組施策", "市全体"] in [row[:2] for row in rows]
    initiative = str(Initiative.objects.get(code="1-1-1"))
    found = next(row for row in rows if row[0] == initiative)
    assert found[1] == f"実施中: {RESULTS}"

    # The PDF is the same template, rendered by WeasyPrint.
    pdf = report_pdf(evaluation_context(fiscal_year=NO_WARDS_YEAR, user=AnonymousUser()))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert RESULTS in text and "市全体の取組の状況" in text
    assert "区ごと" not in text


def test_without_wards_the_completeness_view_counts_city_wide_records(city_without_wards):
    planner = staff_create(username="kaku_planner", role=Role.PLANNER, password=PASSWORD)
    client = Client()
    client.force_login(planner)
    page = client.get(reverse("admin-completeness"), {"fiscal_year": NO_WARDS_YEAR})
    assert page.status_code == 200
    (city,) = page.context["counts"]
    assert city["ward"] is None
    assert city["indicator_values"]["approved"] == 1
    assert city["indicator_values"]["missing"] == Indicator.objects.count() - 1
    assert city["initiative_progress"]["approved"] == 1
    assert city["initiative_progress"]["missing"] == Initiative.objects.count() - 1
    assert page.context["columns"] == [None]
    html = page.content.decode()
    assert "市全体の件数" in html
    assert_no_ward_table(html)
    assert '<th scope="col" rowspan="2">区</th>' not in html
