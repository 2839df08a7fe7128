"""The finished council report (issue 21 item 4): the draft mark until every expected
evaluation is approved, each verdict read once, the running header, the summary table, the
page on the rating method and the workbook's print set-up."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from pypdf import PdfReader

from evaluations.selectors import expected_evaluations
from infrastructure.workflow import Status
from portal.report_documents import report_html, report_pdf
from portal.reports import evaluation_context
from tests.factories import evaluation

pytestmark = pytest.mark.django_db
YEAR = 2016


def test_a_report_with_expected_evaluations_missing_is_a_draft_and_says_how_many(
    welfare_department,
):
    # Every evaluation written is approved, yet most the year expects are missing: a draft.
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="B")
    expected = len(expected_evaluations())
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    assert context["is_final"] is False
    assert context["missing_evaluations"] == expected - 1
    html = report_html(context)
    assert f"この年度に必要な評価{expected}件のうち{expected - 1}件が未作成または未承認です" in html
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(context))).pages]
    assert all("【案】" in text for text in texts)


# --- 2. Each verdict reads once ------------------------------------------------------------


def _final(actual: str):
    from decimal import Decimal

    from indicators.progress import Point, compute_progress

    return compute_progress(
        direction="increase",
        baseline=Point(2015, Decimal(10)),
        target=Point(2019, Decimal(20)),
        actuals=[Point(2019, Decimal(actual))],
        as_of=2020,
    )


@pytest.mark.parametrize(("actual", "word"), [("15", "未達成"), ("25", "達成")])
def test_a_final_verdict_reads_once_on_the_page_and_in_the_workbook(actual, word):
    from django.template.loader import render_to_string

    progress = _final(actual)
    assert progress.rating.code == word  # the final band's code is its word
    html = render_to_string("programs/_report_verdict.html", {"progress": progress})
    assert html.count(word) == 1, html
    assert progress.verdict_text == word


def test_a_band_with_a_letter_keeps_code_and_label_and_the_status_beside_it():
    from decimal import Decimal

    from indicators.progress import Point, compute_progress

    progress = compute_progress(
        direction="increase",
        baseline=Point(2015, Decimal(10)),
        target=Point(2025, Decimal(20)),
        actuals=[Point(2020, Decimal(14))],  # 40 % of the way at half time: pace 0.8
    )
    assert progress.verdict_parts == ("順調", "B 概ね順調")
    assert progress.verdict_text == "順調 B 概ね順調"


def test_an_evaluation_rated_with_a_word_reads_once_in_the_report_and_the_workbook(db):
    from openpyxl import load_workbook

    from portal.reports import evaluation_workbook, evaluations_by_subject
    from programs.models import Pillar

    pillar = Pillar.objects.get(number=1)
    row = evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="未達成")
    evaluations = evaluations_by_subject([row])
    assert evaluations[pillar]["secondary"]["rating_text"] == "未達成"
    context = evaluation_context(
        fiscal_year=YEAR, user=AnonymousUser(), evaluations=evaluations, is_final=True
    )
    html = report_html(context)
    assert "評価: 未達成" in html and "未達成 未達成" not in html
    assert "達成 達成" not in html
    sheet = load_workbook(io.BytesIO(evaluation_workbook(**context)))["施策1"]
    cells = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert "未達成" in cells
    row = next(r for r in sheet.iter_rows() if r[2].value == "二次評価")
    assert row[5].alignment.wrap_text  # long text wraps in print
    assert not any(isinstance(c, str) and ("未達成 未達成" in c or "達成 達成" in c) for c in cells)


# --- 3. The running header names each page's own department, or none -----------------------


def test_the_running_header_does_not_carry_a_department_onto_items_without_one(
    welfare_department,
):
    # Only section 1-2 and initiative 1-2-1 have a department; 1-3 and its initiatives none.
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(context))).pages]
    own = ("1-2 高齢者見守り体制", "1-2-1 高齢者見守り事業")
    named = [text for text in texts if welfare_department.name in text]
    assert named  # in the body and the header of its own pages
    for text in named:
        assert any(item in text for item in own), text
    # The pages of 1-3's initiatives alone (after 1-2-1's) name no department at all.
    others = [t for t in texts if "1-3-2" in t and not any(item in t for item in own)]
    assert others and not any("所管課" in text for text in others)


# --- 4. The summary table (総括表) ---------------------------------------------------------


def test_the_summary_table_lists_every_evaluated_item_with_its_ratings_and_direction(
    welfare_department,
):
    from openpyxl import load_workbook

    from portal.reports import evaluation_workbook
    from programs.models import Initiative, Pillar

    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="C")
    evaluation(section="1-2", stage="primary", status=Status.APPROVED, rating="B")
    row = evaluation(section="1-2", stage="secondary", status=Status.APPROVED, rating="A")
    row.direction = "expand"
    row.save()
    evaluation(initiative="1-2-1", stage="primary", status=Status.SUBMITTED, rating="D")
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    summary = {str(r["subject"]): r for r in context["summary"]}
    pillar, section = Pillar.objects.get(number=1), row.section
    initiative = Initiative.objects.get(code="1-2-1")
    assert summary[str(pillar)]["secondary"] == "C やや遅れ"
    found = summary[str(section)]
    assert (found["department"], found["primary"], found["secondary"], found["direction"]) == (
        welfare_department.name,
        "B 概ね順調",
        "A 順調",
        "拡充",
    )
    # Expected but not approved: listed, empty; every pillar listed (its 二次評価 expected).
    assert summary[str(initiative)]["primary"] == ""
    assert all(str(p) in summary for p in Pillar.objects.of_current_plan())
    # In plan order, near the front: after the contents, before the first pillar.
    subjects = [str(r["subject"]) for r in context["summary"]]
    assert (
        subjects.index(str(pillar)) < subjects.index(str(section)) < subjects.index(str(initiative))
    )
    html = report_html(context)
    assert html.index('id="summary"') < html.index('id="pillar-1"')
    assert html.index('href="#summary"') < html.index('id="summary"')
    table = html[html.index('id="summary"') : html.index('id="pillar-1"')]
    assert "B 概ね順調" in table and "A 順調" in table and "拡充" in table
    sheet = load_workbook(io.BytesIO(evaluation_workbook(**context))).worksheets[0]
    assert sheet.title == "総括表"
    rows = [[cell.value for cell in r] for r in sheet.iter_rows()]
    assert rows[0] == ["評価の対象", "所管課", "一次評価", "二次評価", "今後の方向性"]
    assert [str(section), welfare_department.name, "B 概ね順調", "A 順調", "拡充"] in rows


# --- 5. The page 評価の方法 ----------------------------------------------------------------


def test_the_method_page_gives_the_formula_and_the_active_rules_bands(planner):
    from indicators.models import RatingRule
    from indicators.services import rating_rule_activate

    html = report_html(evaluation_context(fiscal_year=YEAR, user=AnonymousUser()))
    method = html[html.index('id="method"') : html.index('id="pillar-1"')]
    assert html.index('href="#method"') < html.index('id="method"')
    assert "評価の方法" in method
    assert "達成率（%）＝（最新の実績値－基準値）÷（目標値－基準値）×100" in method
    assert "進捗の速さ（達成率÷期待進捗）" in method  # the active rule: pace (the default)
    for code, label, minimum in (("A", "順調", "1.0以上"), ("B", "概ね順調", "0.8以上")):
        assert f'<th scope="row">{code}</th><td>{label}</td>' in method
        assert minimum in method
    assert "未達成" in method and "未把握" in method  # the final and no-data bands

    rating_rule_activate(user=planner, rule=RatingRule.objects.get(name="statcan"))
    html = report_html(evaluation_context(fiscal_year=YEAR, user=AnonymousUser()))
    method = html[html.index('id="method"') : html.index('id="pillar-1"')]
    assert "カナダ統計局方式" in method and "0.95以上" in method
    assert '<th scope="row">B</th><td>進んでいるが加速が必要</td>' in method
    assert "1.0以上" not in method


# --- 6. The workbook prints ----------------------------------------------------------------


def test_the_workbook_prints_on_a4_fit_to_width_with_its_header_and_formats(db):
    from openpyxl import load_workbook

    from indicators.models import Indicator
    from portal.reports import evaluation_workbook

    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    workbook = load_workbook(io.BytesIO(evaluation_workbook(**context)))
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9, sheet.title  # A4
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        header = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        assert sheet.freeze_panes == f"B{header + 1}"
        assert sheet.cell(header, 1).font.b  # the repeated row is the table's header
        widths = [sheet.column_dimensions[c].width for c in "ABCDE"]
        assert all(width and width >= 10 for width in widths), (sheet.title, widths)
    pillar = workbook["施策1"]
    header = int(pillar.print_title_rows.split(":")[0].lstrip("$"))
    assert pillar.cell(header, 1).value == "指標コード"
    rows = {}
    for row in pillar.iter_rows(min_row=header + 1):
        rows.setdefault(row[0].value, row)  # the indicators' table, before the targets'
    kpi = Indicator.objects.get(code="KPI-1-1")
    places = "0" * kpi.decimal_places
    baseline, target = rows["KPI-1-1"][4], rows["KPI-1-1"][8]
    assert isinstance(baseline.value, float)
    assert baseline.number_format == target.number_format == f"#,##0.{places}"
    counted = workbook["施策3"]
    row = next(r for r in counted.iter_rows() if r[0].value == "KPI-3-1")
    assert Indicator.objects.get(code="KPI-3-1").decimal_places == 0
    assert row[4].number_format == "#,##0"  # 111,901 people, as the plan prints it


# --- 7. A year's report shows only what was known in that year ------------------------------


def test_a_years_report_shows_no_target_revision_made_in_a_later_year(planner):
    from decimal import Decimal

    from openpyxl import load_workbook

    from indicators.models import Indicator
    from indicators.services import target_revise
    from portal.reports import evaluation_workbook

    kpi = Indicator.objects.get(code="KPI-1-1")
    target_revise(user=planner, indicator=kpi, fiscal_year=2022, value=Decimal("80.25"),
                  revised_in=2018, reason="中間見直しで延長")  # fmt: skip

    def report(year):
        context = evaluation_context(fiscal_year=year, user=AnonymousUser())
        item = next(i for e in context["pillars"] for i in e["indicators"] if i["indicator"] == kpi)
        sheet = load_workbook(io.BytesIO(evaluation_workbook(**context)))["施策1"]
        cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
        return item, report_html(context), cells

    item, html, cells = report(2016)
    assert [t.revised_in for t in item["targets"]] == [None]  # the plan's original only
    assert "中間見直しで延長" not in html and "80.25" not in html and "2018に見直し" not in html
    assert "中間見直しで延長" not in cells and 80.25 not in cells
    assert "80.25" not in str(item["chart"])

    item, html, cells = report(2018)  # the year it was made: shown and in force
    assert [t.revised_in for t in item["targets"]] == [None, 2018]
    assert item["targets"][1].in_force
    assert "中間見直しで延長" in html and "中間見直しで延長" in cells
    assert "80.25" in html and 80.25 in cells


# --- 7. A stored report is remade whenever anything in it changes ---------------------------


def _report_at(moment):
    from programs.models import AnnualReport

    return AnnualReport(fiscal_year=YEAR, generated_at=moment)


def test_a_rule_switch_makes_the_stored_report_stale_and_the_remade_one_has_new_verdicts(
    planner, settings, tmp_path
):
    from indicators.models import RatingRule
    from indicators.services import rating_rule_activate
    from portal.annual_reports import annual_report_generate, report_is_stale

    settings.MEDIA_ROOT = tmp_path
    report = annual_report_generate(fiscal_year=YEAR)
    assert not report_is_stale(report)
    assert "概ね順調" in report.html.read().decode()  # KPI-1-1 under the pace rule: B
    rating_rule_activate(user=planner, rule=RatingRule.objects.get(name="statcan"))
    assert report_is_stale(report)
    report = annual_report_generate(fiscal_year=YEAR)
    assert not report_is_stale(report)
    page = report.html.read().decode()
    assert "カナダ統計局方式" in page and "進捗の速さ（達成率÷期待進捗）" not in page


def test_bands_evaluations_and_plan_content_make_a_stored_report_stale(planner, welfare_department):
    from django.utils import timezone

    from indicators.models import RatingBand
    from portal.annual_reports import report_is_stale
    from programs.models import Section

    def stale_after(change) -> bool:
        before = _report_at(timezone.now())
        assert not report_is_stale(before)
        change()
        return report_is_stale(before)

    def edit_band():
        band = RatingBand.objects.filter(rule__is_active=True).first()
        band.label_en = "Renamed"
        band.save()

    draft = evaluation(pillar=1, stage="secondary", status=Status.SUBMITTED)

    def approve():
        draft.status = Status.APPROVED
        draft.save()

    def set_department():
        section = Section.objects.get(pillar__number=1, number=1)
        section.department = welfare_department
        section.save()

    assert stale_after(edit_band)
    assert not stale_after(lambda: evaluation(pillar=2, stage="secondary"))  # a draft: no
    assert stale_after(approve)
    assert stale_after(set_department)
