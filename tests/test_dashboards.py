"""The planners' pages, through Django's test client: what they show, to whom, in how many
queries. tests/browser/ drives the same pages in Chromium."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators.demo import DEMO_SOURCE
from indicators.models import IndicatorValue, Target
from infrastructure.workflow import Status
from programs.models import InitiativeProgress
from tests.api.test_queries import grow
from tests.factories import value

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/pillars/1/",
    "/pillars/2/",
    "/pillars/4/",
    "/indicators/KPI-1-1/",
    "/wards/中央区/",
    "/reports/2016/",
]


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    call_command("load_demo_data", verbosity=0)


def test_front_page_shows_pillars_status_and_achievement(client):
    html = client.get("/").content.decode()
    assert "施策1　高齢者を地域全体で支える環境づくり" in html
    assert "55.0%" in html and "○</span> 順調" in html  # KPI-1-1 as of FY2013
    assert "2013年度（平成25年度）" in html  # the latest year with an approved actual


def test_fiscal_year_selector_changes_the_figures(client):
    value(indicator="KPI-3-1", fiscal_year=2016, amount="118000", status=Status.APPROVED)
    later = client.get("/", {"fiscal_year": "H28"}).content.decode()
    earlier = client.get("/", {"fiscal_year": "2014"}).content.decode()
    assert "54.5%" in later and "54.5%" not in earlier


def test_pillar_page_has_overview_sections_initiatives_and_progress(client):
    html = client.get("/pillars/1/").content.decode()
    assert "我が国では世界に例のないスピードで" in html
    assert "高齢者見守り体制の強化と地域資源の把握" in html
    assert "①将来を見据えた課題" in html and "■ シルバー人材センター" in html
    assert 'role="img"' in html and "chart-KPI-1-1" in html
    # seven initiatives × (city-wide and five wards), nothing reported
    assert html.count("未報告") == 7 * 6
    pillar_2 = client.get("/pillars/2/").content.decode()
    assert "熊本市における相談支援機関" in pillar_2 and "相談支援体制の充実" in pillar_2


def test_indicator_page_has_chart_table_wards_notes_and_downloads(client):
    value(
        indicator="KPI-1-1",
        ward_code="kita",
        fiscal_year=2015,
        amount="80.1",
        status=Status.APPROVED,
    )
    html = client.get("/indicators/KPI-1-1/").content.decode()
    assert 'id="chart-main"' in html and "期待される推移" in html
    assert 'id="chart-areas"' in html and 'data-chart="chart-areas" role="img"' in html
    assert "80.10％" in html  # 北区 column, two decimals as the plan prints this indicator
    assert "くまもとはつらつプラン" in html
    assert "format=xlsx" in html and "encoding=cp932" in html
    assert client.get("/indicators/KPI-9-9/").status_code == 404


def test_public_sees_approved_staff_see_their_drafts_marked(client, chuo_officer):
    value(indicator="KPI-1-1", ward_code="chuo", fiscal_year=2015, amount="81.5")  # draft
    assert "81.50" not in client.get("/indicators/KPI-1-1/").content.decode()
    client.force_login(chuo_officer)
    html = client.get("/indicators/KPI-1-1/").content.decode()
    assert "81.50％" in html and "（下書き）" in html


def test_ward_page_completeness_and_figures(client, demo):
    html = client.get("/wards/中央区/", {"fiscal_year": 2016}).content.decode()
    assert "2016年度（平成28年度）の報告状況" in html
    assert "中央区と市全体の実績値" in html
    assert client.get("/wards/熊本区/").status_code == 404


def test_report_prints_and_downloads_as_xlsx(client, demo):
    html = client.get("/reports/2016/").content.decode()
    assert "施策評価書" in html and "平成28年度（2016年度）" in html
    response = client.get("/reports/2016.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "総括表",
        "施策1",
        "施策2",
        "施策3",
        "施策4",
    ]  # the summary first
    rows = [[c.value for c in row] for row in workbook["施策1"].iter_rows()]
    kpi = next(row for row in rows if row[0] == "KPI-1-1")
    assert kpi[4] == 78.61 and kpi[8] == 79.41  # baseline and target of the plan
    assert client.get("/reports/1990/").status_code == 404
    assert client.get("/reports/2016/", {"fiscal_year": "H29"})["Location"] == "/reports/2017/"


def test_demo_data_is_marked_and_removable(client, demo):
    assert IndicatorValue.objects.filter(source=DEMO_SOURCE).count() > 200
    years = set(
        IndicatorValue.objects.filter(source=DEMO_SOURCE).values_list("fiscal_year", flat=True)
    )
    assert years == set(range(2014, 2020))
    wards = set(
        IndicatorValue.objects.filter(source=DEMO_SOURCE).values_list("ward__code", flat=True)
    )
    assert wards == {None, "chuo", "higashi", "nishi", "minami", "kita"}
    assert "サンプルデータを表示中" in client.get("/").content.decode()
    call_command("clear_demo_data", verbosity=0)
    assert not IndicatorValue.objects.filter(source=DEMO_SOURCE).exists()
    assert not InitiativeProgress.objects.filter(source=DEMO_SOURCE).exists()
    assert IndicatorValue.objects.count() == 8  # the plan's own values stay
    assert Target.objects.count() == 7  # and its targets
    assert "サンプルデータを表示中" not in client.get("/").content.decode()


def test_demo_data_is_refused_with_a_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/welfare")
    with pytest.raises(CommandError, match="DATABASE_URL"):
        call_command("load_demo_data", verbosity=0)
    assert not IndicatorValue.objects.filter(source=DEMO_SOURCE).exists()


@pytest.mark.parametrize("url", PAGES)
def test_query_count_of_each_page_does_not_grow_with_the_data(client, url):
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"][:120] for q in captured.captured_queries]

    grow(1, start=0)
    small = queries()
    grow(10, start=1)
    large = queries()
    assert len(large) == len(small), list((Counter(large) - Counter(small)).elements())


@pytest.mark.parametrize("url", PAGES)
def test_pages_in_english(client, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "FY20" in html


def test_csv_in_shift_jis_for_older_excel(client):
    response = client.get(
        "/api/v1/indicator-values/", {"indicator": "KPI-1-1", "format": "csv", "encoding": "cp932"}
    )
    assert response["Content-Type"] == "text/csv; charset=cp932"
    text = response.content.decode("cp932")
    assert "2008年度（平成20年度）" in text and not text.startswith("\ufeff")


def test_javascript_stays_under_300_kb_compressed():
    """Every script the pages load, gzipped: our own and, where make fetched it, Chart.js."""
    import gzip
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    included = (root / "templates" / "includes" / "chart_scripts.html").read_text()
    scripts = re.findall(r"static '([^']+\.js)'", included)
    assert scripts == ["vendor/chart.umd.min.js", "js/charts.js"]
    present = [root / "static" / name for name in scripts if (root / "static" / name).exists()]
    assert root / "static" / "js" / "charts.js" in present
    total = sum(len(gzip.compress(path.read_bytes(), 9)) for path in present)
    assert total < 300 * 1024
