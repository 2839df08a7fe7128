"""The council report (施策評価書): the PDF rendered from the one template, checked with
pypdf; the printable page; era URLs; the PDF as a stored job; evaluations in the report.

The PDF of FY2016 on the demo data is rendered once for the module (WeasyPrint takes a few
seconds); the demo rows are rolled back after it."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from indicators.svg_charts import trend_chart_svg
from infrastructure.jobs.models import Job
from portal.annual_reports import annual_report_generate
from portal.report_documents import RefusedURL, report_html, report_pdf, url_fetcher
from portal.reports import (
    _evaluations,
    _is_final,
    evaluation_context,
    evaluations_by_subject,
)
from programs.models import AnnualReport, Initiative, Pillar, Section

# Every test on the database (the rendering fixture too): pytest-django then runs them with
# the other database tests, before the transactional ones that flush tables.
pytestmark = pytest.mark.django_db

YEAR = 2016
A4 = (595.28, 841.89)
DEVELOPER_TEXT = re.compile(r"make |manage\.py|python", re.IGNORECASE)


class _Raised(Exception):
    pass


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """The FY2016 report on the demo data: its context's facts, its HTML and its PDF."""
    import os

    saved = os.environ.pop("DATABASE_URL", None)  # the demo loader refuses a real database
    try:
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    call_command("load_demo_data", verbosity=0)
                    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
                    facts = {
                        "codes": [
                            item["indicator"].code
                            for entry in context["pillars"]
                            for item in entry["indicators"]
                        ],
                        "municipality": context["municipality"].name,
                        "plan": context["plan"].display_title,
                        "pdf": report_pdf(context),
                        "html": report_html(context),
                    }
                    raise _Raised
            except _Raised:
                pass
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    reader = PdfReader(io.BytesIO(facts["pdf"]))
    facts["pages"] = reader.pages
    facts["texts"] = [page.extract_text() for page in reader.pages]
    return facts


def test_every_page_is_a4(rendered):
    assert len(rendered["pages"]) > 4
    for page in rendered["pages"]:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1, (width, height)


def test_every_page_is_numbered_in_its_footer(rendered):
    total = len(rendered["texts"])
    for number, text in enumerate(rendered["texts"], start=1):
        assert f"{number} / {total}" in text, (number, text[-200:])


def test_the_cover_names_the_report_the_year_by_era_and_the_city_from_the_data(rendered):
    cover = rendered["texts"][0]
    assert "施策評価書" in cover
    assert "平成28年度（2016年度）" in cover
    assert rendered["municipality"] in cover and rendered["municipality"] == "熊本市"
    assert rendered["plan"] in cover
    assert "作成日時" in cover


def test_the_contents_give_each_pillars_page(rendered):
    toc = rendered["texts"][1]
    assert "目次" in toc
    for number in (1, 2, 3, 4):
        line = next(line for line in toc.splitlines() if line.startswith(f"施策{number}"))
        page = int(re.search(r"(\d+)\s*$", line).group(1))
        assert f"施策{number}" in rendered["texts"][page - 1].split("成果指標")[0]


def test_indicators_appear_in_plan_order(rendered):
    text = "\n".join(rendered["texts"][2:])
    positions = [text.index(code) for code in rendered["codes"]]
    assert rendered["codes"] and positions == sorted(positions)


def test_a_year_not_final_is_marked_draft_on_every_page(rendered):
    for text in rendered["texts"]:
        assert "【案】" in text


def test_no_shell_command_or_developer_text(rendered):
    for text in rendered["texts"]:
        assert not DEVELOPER_TEXT.search(text), text
    assert "サンプルデータを表示中" not in rendered["html"]
    assert not DEVELOPER_TEXT.search(re.sub(r"<[^>]+>", " ", rendered["html"]))


def test_each_indicator_has_a_vector_chart_with_a_title(rendered):
    html = rendered["html"]
    for code in rendered["codes"]:
        assert f'id="trend-{code.lower()}-title"' in html
    assert html.count('role="img"') >= len(rendered["codes"])
    assert "<canvas" not in html and "<img" not in html and "<script" not in html


def test_the_pdf_has_the_same_sections_as_the_printable_page(rendered, db, client):
    page = client.get(f"/reports/{YEAR}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/static/css/report.css"' in html and "<style" not in html
    for heading in ("施策評価書", "目次", "成果指標", "取組施策の状況と評価", "【案】"):
        assert heading in html and heading in rendered["html"]
    assert "サンプルデータを表示中" not in html


def test_pillar_4_lists_its_sections_and_initiatives_in_plan_order(db):
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    pillar = next(e for e in context["pillars"] if e["pillar"].number == 4)
    subjects = [row["subject"].code for row in pillar["grid"]["rows"]]
    assert subjects == ["4-1", "4-2-1", "4-2-2"]
    assert [part["subject"].code for part in pillar["outline"]] == ["4-1", "4-2"]


def test_era_urls_answer_as_the_western_year(db, client):
    western = client.get("/reports/2016/")
    era = client.get("/reports/H28/")
    assert era.status_code == western.status_code == 200
    assert "平成28年度（2016年度）" in era.content.decode()
    assert client.get("/reports/R1.xlsx").status_code == 200
    assert client.get("/reports/平成28/").status_code == 200
    for path in ("/reports/X28/", "/reports/H999.pdf", "/reports/1990/", "/reports/R1x.xlsx"):
        assert client.get(path).status_code == 404, path


def test_a_pdf_not_made_yet_is_queued_once_and_answered_202(db, client):
    first = client.get("/reports/H28.pdf")
    assert first.status_code == 202
    assert first["Retry-After"]
    assert "作成中" in first.content.decode()
    second = client.get(f"/reports/{YEAR}.pdf")
    assert second.status_code == 202
    report = AnnualReport.objects.get(fiscal_year=YEAR)
    assert Job.objects.filter(kind="annual_report").count() == 1
    assert report.job.params == {"fiscal_year": YEAR}


def test_a_made_pdf_is_served_as_a4_with_its_time(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = annual_report_generate(fiscal_year=YEAR)
    assert report.pdf and report.xlsx and report.html
    response = client.get("/reports/H28.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Generated-At"] == report.generated_at.isoformat()
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1
    assert "施策評価書" in reader.pages[0].extract_text()
    assert not Job.objects.exists()  # up to date: nothing queued


def test_the_pdf_fetches_nothing_from_the_network():
    with pytest.raises(RefusedURL):
        url_fetcher("https://example.com/logo.png")
    with pytest.raises(RefusedURL):
        url_fetcher("file:///etc/passwd")
    with pytest.raises(RefusedURL):
        url_fetcher("https://report.invalid/static/../../etc/passwd")
    assert url_fetcher("https://report.invalid/static/css/report.css").read().startswith(b"/*")
    assert url_fetcher("data:text/plain,ok").read() == b"ok"


# --- Evaluations: a fake structure through the context builder and the template -----------


def _row(subject, stage, **fields):
    labels = {"primary": "一次評価", "secondary": "二次評価", "council": "審議会意見"}
    directions = {"continue": "継続", "expand": "拡充", "": ""}
    defaults = {
        "rating": "B",
        "results": "",
        "analysis": "",
        "issues": "",
        "comment": "",
        "direction": "",
        "department": "",
    }
    values = {**defaults, **fields}
    return SimpleNamespace(
        subject=subject,
        stage=stage,
        get_stage_display=lambda: labels[stage],
        get_direction_display=lambda: directions[values["direction"]],
        **values,
    )


def test_without_evaluations_the_year_is_a_draft(db):
    assert _evaluations(YEAR, None) == {}
    assert _is_final(YEAR) is False


def test_approved_evaluations_and_the_council_opinion_are_printed(db, monkeypatch):
    pillar = Pillar.objects.get(number=1)
    section = Section.objects.get(pillar=pillar, number=2)
    initiative = Initiative.objects.get(code="1-2-1")
    evaluations = evaluations_by_subject(
        [
            _row(
                pillar,
                "primary",
                results="見守り訪問が増えた",
                analysis="地域包括支援センターの体制強化による",
                issues="担い手の高齢化",
                direction="continue",
            ),
            _row(pillar, "secondary", rating="C", analysis="目標に届く見込みは低い"),
            _row(pillar, "council", rating="", comment="担い手の確保策を示すこと"),
            _row(section, "secondary", analysis="項目の二次評価の分析"),
            _row(initiative, "primary", direction="expand", results="取組の成果の記述"),
        ]
    )
    # Every section and initiative named a department (the field comes with the evaluations).
    monkeypatch.setattr("portal.reports.department_of", lambda subject: "高齢福祉課")
    context = evaluation_context(
        fiscal_year=YEAR, user=AnonymousUser(), evaluations=evaluations, is_final=True
    )
    html = report_html(context)
    assert "所管課: 高齢福祉課" in html
    for text in (
        "一次評価",
        "見守り訪問が増えた",
        "要因分析",
        "地域包括支援センターの体制強化による",
        "担い手の高齢化",
        "今後の方向性",
        "継続",
        "二次評価",
        "目標に届く見込みは低い",
        "審議会意見",
        "担い手の確保策を示すこと",
        "項目の二次評価の分析",
        "拡充",
        "取組の成果の記述",
    ):
        assert text in html, text
    # In plan order: the pillar's evaluation before its section's, that before 1-2-1's.
    assert html.index("見守り訪問が増えた") < html.index("項目の二次評価の分析")
    assert html.index("項目の二次評価の分析") < html.index("取組の成果の記述")
    assert "【案】" not in html  # every evaluation approved: no draft mark
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(context))).pages]
    assert "担い手の確保策を示すこと" in "\n".join(texts)
    assert not any("【案】" in text for text in texts)
    # In the body where a section or initiative names it, in the header on the pages after.
    # (From the first pillar's page: the summary and 評価の方法 come before it.)
    first = next(n for n, text in enumerate(texts) if text.startswith("施策1"))
    for number, text in enumerate(texts[first:], start=first + 1):
        assert "高齢福祉課" in text, number


def test_the_department_is_shown_where_a_section_names_one(db):
    from community.models import Department, Municipality
    from portal.reports import department_of

    section = Section.objects.get(pillar__number=1, number=2)
    assert department_of(section) == ""  # empty until a planner sets one
    section.department = Department.objects.create(
        municipality=Municipality.objects.get(), name="高齢福祉課"
    )
    section.save()
    assert department_of(Section.objects.get(pk=section.pk)) == "高齢福祉課"
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser())
    from portal.report_documents import report_html

    assert "高齢福祉課" in report_html(context)  # the section's pages name it


def test_the_workbook_lists_the_evaluations(db):
    from openpyxl import load_workbook

    from portal.reports import evaluation_workbook

    pillar = Pillar.objects.get(number=1)
    evaluations = evaluations_by_subject(
        [_row(pillar, "secondary", rating="C", analysis="分析の記述", direction="continue")]
    )
    context = evaluation_context(
        fiscal_year=YEAR, user=AnonymousUser(), evaluations=evaluations, is_final=False
    )
    sheet = load_workbook(io.BytesIO(evaluation_workbook(**context)))["施策1"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[0] == "評価の対象")
    assert header[:4] == ["評価の対象", "所管課", "段階", "評価"]
    found = next(row for row in rows if row[2] == "二次評価")
    assert found[0] == str(pillar) and found[3].startswith("C") and found[5] == "分析の記述"
    assert found[7] == "継続"


def test_the_trend_chart_is_labelled_svg(db):
    from indicators.models import Indicator
    from indicators.selectors import series_by_indicator

    indicator = Indicator.objects.get(code="KPI-1-1")
    series = series_by_indicator([indicator], fiscal_year=YEAR)[indicator.pk]
    svg = str(trend_chart_svg(indicator, series, chart_id="t"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="t-title">KPI-1-1' in svg
    assert "基準値" in svg and "目標値（当初）" in svg and "実績値" in svg
    assert "H20" in svg and "単位：" in svg  # axes labelled: years and unit


def test_the_api_serves_the_stored_pdf(db, settings, tmp_path):
    from tests.api.conftest import client_for

    settings.MEDIA_ROOT = tmp_path / "media"
    annual_report_generate(fiscal_year=YEAR)
    body = client_for().get(f"/api/v1/reports/{YEAR}/").json()
    response = client_for().get(body["downloads"]["pdf"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_stale_pdf_is_still_served_and_a_new_one_queued_once(
    db, client, planner, settings, tmp_path
):
    from decimal import Decimal

    from indicators.models import Indicator
    from indicators.services import target_revise

    settings.MEDIA_ROOT = tmp_path / "media"
    annual_report_generate(fiscal_year=YEAR)
    target_revise(  # data changed after the report was made
        user=planner,
        indicator=Indicator.objects.get(code="KPI-1-1"),
        fiscal_year=2022,
        value=Decimal("80.25"),
        revised_in=2016,
        reason="中間見直しで延長",
    )
    for _ in range(2):
        response = client.get(f"/reports/{YEAR}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    assert Job.objects.filter(kind="annual_report").count() == 1


def test_evaluations_are_keyed_by_the_item_they_evaluate(db):
    initiative = Initiative.objects.get(code="1-2-1")
    row = _row("1-2-1 高齢者見守り事業の推進", "primary", analysis="分析")
    row.pillar, row.section, row.initiative = None, None, initiative
    row.department = "高齢福祉課"
    grouped = evaluations_by_subject([row])
    entry = grouped[Initiative.objects.get(pk=initiative.pk)]["primary"]
    assert entry["analysis"] == "分析" and entry["stage_label"] == "一次評価"
    assert entry["department"] == "高齢福祉課"
    assert grouped[initiative]["secondary"] is None and grouped[initiative]["council"] is None
