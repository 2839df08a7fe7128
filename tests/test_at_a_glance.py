"""At a glance (issue 12, item 4): what is late comes first with why, the pillar pages put
the year before the plan's text, the ward chart keeps the wards on their own scale, and a
chart's table stands in its place until the chart is drawn. tests/browser/test_layout_in_chromium.py
checks the same pages at phone width in Chromium."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from community import access
from indicators.charts import ward_chart
from indicators.models import Indicator
from indicators.progress import Point, compute_progress
from indicators.selectors import ward_value_table
from infrastructure.workflow import Status
from portal.pages import analysis_for, evaluations_by_pillar
from programs.models import Section
from tests.factories import value

pytestmark = pytest.mark.django_db

STAGES = {"primary": "一次評価", "secondary": "二次評価", "council": "審議会意見"}
DIRECTIONS = {"continue": "継続", "improve": "改善"}


def evaluation(*, stage="secondary", pillar=None, section=None, initiative=None, **fields):
    """An approved evaluation as ``evaluations.selectors.approved_evaluations`` will give it
    (that app comes on another branch): the fields the pages read, and nothing else."""
    own = {
        "results": "",
        "analysis": "",
        "issues": "",
        "comment": "",
        "rating": "",
        "direction": "",
    }
    own.update(fields)
    return SimpleNamespace(
        stage=stage,
        pillar=pillar,
        pillar_id=pillar.pk if pillar else None,
        section=section,
        section_id=section.pk if section else None,
        initiative=initiative,
        initiative_id=initiative.pk if initiative else None,
        get_stage_display=lambda: STAGES[stage],
        get_direction_display=lambda: DIRECTIONS.get(own["direction"], ""),
        **own,
    )


@pytest.fixture
def kpi_3_1_behind():
    """KPI-3-1 (111,901 in FY2013, target 123,086 in FY2019) at 112,000 in FY2016: half way
    through the years, nearly nowhere on the road."""
    value(indicator="KPI-3-1", fiscal_year=2016, amount="112000", status=Status.APPROVED)
    return Indicator.objects.select_related("pillar", "section").get(code="KPI-3-1")


def with_evaluations(monkeypatch, by_pillar: dict) -> None:
    monkeypatch.setattr("portal.views.plan.approved_evaluations_for", lambda year, plan: by_pillar)


def test_expected_value_is_the_straight_line_from_baseline_to_target_at_the_actuals_year():
    progress = compute_progress(
        direction="increase",
        baseline=Point(2013, Decimal("100")),
        target=Point(2019, Decimal("160")),
        actuals=[Point(2016, Decimal("110"))],
    )
    assert progress.expected_progress == Decimal("0.5")
    assert progress.expected_value == Decimal("130")
    falling = compute_progress(
        direction="decrease",
        baseline=Point(2013, Decimal("40")),
        target=Point(2018, Decimal("30")),
        actuals=[Point(2017, Decimal("39"))],
    )
    assert falling.expected_value == Decimal("32")
    without_actual = compute_progress(
        direction="increase", baseline=Point(2013, Decimal("1")), target=None, actuals=[]
    )
    assert without_actual.expected_value is None


def test_home_shows_the_late_indicators_first_each_saying_why(client, kpi_3_1_behind):
    html = client.get("/", {"fiscal_year": 2016}).content.decode()
    late = html.index('id="attention-heading"')
    assert late < html.index('id="pillars-heading"') < html.index('id="indicators-heading"')
    attention = html[late : html.index('id="pillars-heading"')]
    assert "2016年度（平成28年度）時点で遅れている成果指標" in attention
    assert "KPI-3-1" in attention
    # Expected by now against actual, both with the unit's decimals, the year with its era.
    assert "2016年度（平成28年度）の実績 112,000人、計画どおりなら 117,494人 の見込み" in attention
    assert "KPI-1-1" not in attention  # achieved, not late


def test_home_says_so_when_nothing_is_late(client):
    html = client.get("/", {"fiscal_year": 2013}).content.decode()
    assert "遅れている成果指標はありません。" in html


def test_home_adds_the_approved_analysis_of_a_late_indicator(client, monkeypatch, kpi_3_1_behind):
    pillar = kpi_3_1_behind.pillar
    with_evaluations(
        monkeypatch,
        {
            pillar.pk: [
                evaluation(stage="primary", pillar=pillar, analysis="一次の分析"),
                evaluation(stage="secondary", pillar=pillar, analysis="保育施設の整備が遅れたため"),
            ]
        },
    )
    html = client.get("/", {"fiscal_year": 2016}).content.decode()
    attention = html[html.index('id="attention-heading"') : html.index('id="pillars-heading"')]
    assert "要因分析（二次評価）" in attention and "保育施設の整備が遅れたため" in attention
    assert "一次の分析" not in attention


def test_the_analysis_of_the_indicators_section_comes_before_its_pillars():
    indicator = Indicator.objects.get(code="KPI-3-2")
    pillar = indicator.pillar
    own = indicator.section or Section.objects.filter(pillar=pillar).first()
    indicator.section = own
    other = Section.objects.filter(pillar=pillar).exclude(pk=own.pk).first()
    on_pillar = evaluation(stage="secondary", pillar=pillar, analysis="施策全体")
    on_section = evaluation(stage="primary", section=own, analysis="この節")
    on_other = evaluation(stage="secondary", section=other, analysis="別の節")
    council = evaluation(stage="council", section=own, analysis="審議会")
    assert analysis_for(indicator, [on_pillar, on_other, council, on_section]) is on_section
    assert analysis_for(indicator, [on_other, council, on_pillar]) is on_pillar
    assert analysis_for(indicator, [on_other, council]) is None
    assert analysis_for(indicator, [evaluation(pillar=pillar, analysis="")]) is None


def test_evaluations_group_by_their_pillar_in_plan_order():
    pillar = Indicator.objects.get(code="KPI-3-1").pillar
    first, second = Section.objects.filter(pillar=pillar).order_by("number")[:2]
    initiative = first.initiatives.first()
    found = [
        evaluation(stage="council", pillar=pillar),
        evaluation(stage="primary", initiative=initiative),
        evaluation(stage="primary", section=second),
        evaluation(stage="secondary", pillar=pillar),
        evaluation(stage="primary", pillar=pillar),
    ]
    grouped = evaluations_by_pillar(found)
    assert list(grouped) == [pillar.pk]
    assert [(e.stage, e.pillar_id, e.section_id, e.initiative_id) for e in grouped[pillar.pk]] == [
        ("primary", pillar.pk, None, None),
        ("secondary", pillar.pk, None, None),
        ("council", pillar.pk, None, None),
        ("primary", None, second.pk, None),
        ("primary", None, None, initiative.pk),
    ]


def test_a_missed_target_says_which_target_it_missed():
    indicator = Indicator.objects.get(code="KPI-3-2")
    progress = SimpleNamespace(
        status="not_achieved",
        latest_actual=Point(2020, Decimal("24.7")),
        target=Point(2019, Decimal("26.0")),
        expected_value=Decimal("26.0"),
    )
    html = render_to_string(
        "includes/why.html", {"indicator": indicator, "progress": progress, "evaluation": None}
    )
    assert (
        "2020年度（令和2年度）の実績 24.7％、目標値 26.0％（2019年度（令和元年度））に届かず"
        in html
    )
    assert "見込み" not in html


def test_pillar_page_puts_the_years_status_and_evaluation_before_the_plans_folded_text(
    client, monkeypatch, kpi_3_1_behind
):
    pillar = kpi_3_1_behind.pillar
    section = Section.objects.filter(pillar=pillar).order_by("number").first()
    with_evaluations(
        monkeypatch,
        {
            pillar.pk: [
                evaluation(
                    stage="secondary",
                    pillar=pillar,
                    rating="B",
                    results="拠点を2か所開設",
                    analysis="保育施設の整備が遅れたため",
                    issues="人材の確保",
                    direction="improve",
                ),
                evaluation(stage="council", section=section, comment="周知に努められたい"),
            ]
        },
    )
    html = client.get("/pillars/3/", {"fiscal_year": 2016}).content.decode()
    status = html.index('id="status-heading"')
    evaluated = html.index('id="evaluation-heading"')
    plan_text = html.index('id="plan-text-heading"')
    assert status < evaluated < plan_text
    assert status < html.index("計画どおりなら 117,494人 の見込み") < evaluated
    part = html[evaluated:plan_text]
    for shown in ("二次評価", "評価 B", "拠点を2か所開設", "保育施設の整備が遅れたため"):
        assert shown in part
    assert "人材の確保" in part and "改善" in part
    assert "審議会意見" in part and "周知に努められたい" in part and str(section) in part
    # The plan's text is all there, folded; each fold says what is inside.
    text = html[plan_text:]
    assert text.count('<details class="plan-part"') == 1 + pillar.sections.count()
    assert " open" not in text.split("</summary>")[0]
    assert "施策の概要" in text and "取組施策 3件" in text and "現状と課題 2件" in text


def test_pillar_page_without_an_evaluation_says_so(client):
    html = client.get("/pillars/1/").content.decode()
    assert "この年度の承認済みの施策評価はまだありません。" in html


def test_ward_chart_puts_the_city_on_its_own_axis_for_counts_not_for_rates(demo_values):
    count = Indicator.objects.get(code="KPI-3-1")
    chart = ward_chart(count, ward_value_table(count, access.PUBLIC))
    city, *wards = chart["datasets"]
    assert city["key"] == "city" and city["axis"] == "city" and "右" in city["label"]
    assert all("axis" not in ward for ward in wards) and len(wards) == 5
    assert set(chart["axes"]) == {"y", "city"}
    assert (
        max(v for w in wards for v in w["data"] if v) < 30_000 < min(v for v in city["data"] if v)
    )
    rate = Indicator.objects.get(code="KPI-3-2")
    shared = ward_chart(rate, ward_value_table(rate, access.PUBLIC))
    assert "axes" not in shared and all("axis" not in d for d in shared["datasets"])


@pytest.fixture
def demo_values():
    for year, city, chuo in ((2015, "117120", "23206"), (2016, "118254", "23198")):
        value(indicator="KPI-3-1", fiscal_year=year, amount=city, status=Status.APPROVED)
        for code in ("chuo", "higashi", "nishi", "minami", "kita"):
            value(
                indicator="KPI-3-1",
                ward_code=code,
                fiscal_year=year,
                amount=chuo,
                status=Status.APPROVED,
            )
        value(indicator="KPI-3-2", fiscal_year=year, amount="20.1", status=Status.APPROVED)
        value(
            indicator="KPI-3-2",
            ward_code="chuo",
            fiscal_year=year,
            amount="21.0",
            status=Status.APPROVED,
        )


def test_a_charts_area_waits_for_the_script_and_its_table_stands_open_in_its_place(client):
    html = client.get("/indicators/KPI-1-1/").content.decode()
    assert '<div class="chart-area chart-area-240" hidden>' in html
    assert '<details class="chart-data" open>' in html and "数値を表で見る" in html
    assert '<div class="chart-area chart-area-260" hidden>' in html  # the wards' chart
    home = client.get("/").content.decode()
    assert '<div class="chart-area chart-area-200" hidden>' in home


def test_table_cells_name_their_column_for_the_phone_layout(client, kpi_3_1_behind):
    html = client.get("/", {"fiscal_year": 2016}).content.decode()
    for column in ("基準値", "最新の実績値", "目標値", "達成率", "状況", "評価"):
        assert f'data-label="{column}"' in html
    pillar = client.get("/pillars/3/").content.decode()
    assert 'class="progress-grid stack stack-pairs"' in pillar and 'data-label="中央区"' in pillar


def test_the_reason_reads_in_english(client, kpi_3_1_behind):
    html = client.get(
        "/", {"fiscal_year": 2016}, headers={"accept-language": "en"}
    ).content.decode()
    assert "Indicators behind as of FY2016 (Heisei 28)" in html
    assert (
        "FY2016 (Heisei 28): actual 112,000 people; "
        "expected by now on the plan's course: 117,494 people"
    ) in html
