"""The template a ward fills in, and exports: round trips and formula escaping."""

import csv
import io

import pytest
from openpyxl import load_workbook

from community.models import Ward
from indicators.models import Indicator
from infrastructure.imports import run_import
from infrastructure.imports.workbooks import build_template, export_csv, export_xlsx
from infrastructure.workflow import Status
from programs.models import InitiativeProgress
from tests.factories import value
from tests.imports.files import errors_of, snapshot

pytestmark = pytest.mark.django_db


def save(workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_the_indicator_template_lists_every_typed_in_indicator_for_the_ward_and_year():
    data = build_template("indicator_value", ward=Ward.objects.get(code="chuo"), fiscal_year=2015)
    workbook = load_workbook(io.BytesIO(data))
    sheet, guide = workbook.worksheets
    rows = list(sheet.values)
    assert rows[0] == ("指標コード", "指標名", "区", "年度", "種別", "値", "備考", "状態")
    # KPI-4-1 and KPI-4-2 are computed from the community's records: no ward types them in.
    typed_in = Indicator.objects.filter(derivation="").values_list("code", flat=True)
    assert [r[0] for r in rows[1:]] == list(typed_in)
    assert {"KPI-4-1", "KPI-4-2"}.isdisjoint(r[0] for r in rows[1:])
    assert {(r[2], r[3], r[4]) for r in rows[1:]} == {("中央区", 2015, "実績")}
    guide_text = " ".join(str(c) for row in guide.values for c in row if c)
    assert "指標コード" in guide_text and "fiscal_year" in guide_text and "H25" in guide_text


def test_a_ward_officer_fills_in_the_template_and_imports_it(chuo_officer):
    data = build_template("indicator_value", ward=Ward.objects.get(code="chuo"), fiscal_year=2015)
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    sheet["F2"] = 80.5  # KPI-1-1, a percentage
    sheet["F4"] = 120000  # KPI-3-1, persons
    report = run_import(data=save(workbook), filename="t.xlsx", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert report.counts["new"] == 2 and report.counts["skipped"] == sheet.max_row - 3


def test_the_progress_template_round_trips(chuo_officer):
    data = build_template(
        "initiative_progress", ward=Ward.objects.get(code="chuo"), fiscal_year=2016
    )
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "4-1" in codes and "1-2-1" in codes and "1-2" not in codes
    for row in sheet.iter_rows(min_row=2):
        row[4].value = "実施中"
    report = run_import(data=save(workbook), filename="t.xlsx", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert InitiativeProgress.objects.count() == len(codes)


def test_exports_escape_formulas_but_keep_numbers(planner):
    value(ward_code="chuo", amount="-5", note='=HYPERLINK("http://x")')
    value(ward_code="higashi", amount="1234.5", note="@SUM(A1)")
    value(ward_code="nishi", amount="7", note="+81 96")
    sheet = load_workbook(io.BytesIO(export_xlsx("indicator_value", planner))).active
    rows = {(r[2], r[4]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["中央区", "実績値"][5] == -5
    assert rows["中央区", "実績値"][6] == '\'=HYPERLINK("http://x")'
    assert rows["東区", "実績値"][5] == 1234.5
    assert rows["東区", "実績値"][6] == "'@SUM(A1)"
    assert rows["西区", "実績値"][6] == "'+81 96"
    assert isinstance(rows[None, "基準値"][5], int | float)  # the plan's own values

    text = export_csv("indicator_value", planner).decode("utf-8")
    assert text.startswith("\ufeff指標コード,")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [
        "KPI-3-1",
        "地域子育て支援施設利用者数",
        "中央区",
        "2015",
        "実績値",
        "-5",
        '\'=HYPERLINK("http://x")',
        "下書き",
    ] in lines


def test_a_ward_officer_exports_only_what_they_may_see(chuo_officer):
    value(ward_code="chuo", amount="1")
    value(ward_code="higashi", amount="2")  # a draft of another ward
    value(ward_code="higashi", fiscal_year=2014, amount="3", status=Status.APPROVED)
    text = export_csv("indicator_value", chuo_officer, encoding="cp932").decode("cp932")
    wards = [line.split(",")[2] for line in text.splitlines()[1:]]
    assert "中央区" in wards and wards.count("東区") == 1


def test_an_export_re_imports_unchanged(chuo_officer):
    value(ward_code="chuo", amount="1", note="=1+1")
    value(ward_code="higashi", fiscal_year=2014, amount="3", status=Status.APPROVED)
    for data, name in [
        (export_xlsx("indicator_value", chuo_officer), "e.xlsx"),
        (export_csv("indicator_value", chuo_officer), "e.csv"),
        (export_csv("indicator_value", chuo_officer, encoding="cp932"), "e.csv"),
    ]:
        before = snapshot()
        report = run_import(data=data, filename=name, user=chuo_officer, dry_run=False)
        assert report.ok, errors_of(report)
        assert report.counts["new"] == report.counts["changed"] == 0
        assert snapshot() == before
