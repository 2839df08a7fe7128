"""Bad files: every error names its row (as the spreadsheet numbers it) and column, and the
database is left exactly as it was, even for the good rows of the same file."""

import pytest

from infrastructure.imports import run_import
from infrastructure.workflow import Status
from tests.factories import value
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, errors_of, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = ["KPI-3-1", "", "中央区", "2015", "実績", "100", ""]


def import_rows(user, *bad_rows, headers=INDICATOR_HEADERS, make=xlsx_bytes):
    """A file with one good row (row 2) before the bad ones; returns the errors."""
    before = snapshot()
    report = run_import(
        data=make([headers, GOOD, *bad_rows]), filename="bad.xlsx", user=user, dry_run=False
    )
    assert not report.ok and not report.written
    assert snapshot() == before, "a failed import must leave the database unchanged"
    return [(row, column) for row, column, _message in errors_of(report)], report


def test_another_wards_row_by_a_ward_officer(chuo_officer):
    errors, report = import_rows(chuo_officer, ["KPI-3-1", "", "東区", "2015", "", "5", ""])
    assert errors == [(3, "区")]
    assert report.errors[0].message == "他の区のデータは登録・変更できません。"


def test_a_city_wide_row_by_a_ward_officer(chuo_officer):
    errors, report = import_rows(chuo_officer, ["KPI-3-1", "", "", "2016", "", "5", ""])
    assert errors == [(3, "区")]
    assert "計画担当" in report.errors[0].message


def test_a_duplicate_row_within_the_file(chuo_officer):
    errors, report = import_rows(chuo_officer, ["KPI-3-1", "", "中央区", "H27", "実績値", "7", ""])
    assert errors == [(3, "指標コード")]
    assert "2行目" in report.errors[0].message


def test_a_row_duplicating_an_approved_record(planner):
    value(ward_code="higashi", amount="50", status=Status.APPROVED)
    errors, report = import_rows(planner, ["KPI-3-1", "", "東区", "2015", "", "60", ""])
    assert errors == [(3, "値")]
    assert "承認済み" in report.errors[0].message


def test_a_value_from_the_plan_cannot_be_overwritten(planner):
    errors, report = import_rows(planner, ["KPI-3-1", "", "", "2013", "基準値", "1", ""])
    assert errors == [(3, "値")]
    assert "計画書" in report.errors[0].message


def test_a_submitted_record_is_locked_for_its_ward_officer(chuo_officer):
    value(ward_code="chuo", fiscal_year=2016, amount="50", status=Status.SUBMITTED)
    errors, _report = import_rows(chuo_officer, ["KPI-3-1", "", "中央区", "2016", "", "60", ""])
    assert errors == [(3, "値")]


def test_an_unknown_indicator_code(chuo_officer):
    errors, report = import_rows(chuo_officer, ["KPI-9-9", "", "中央区", "2015", "", "5", ""])
    assert errors == [(3, "指標コード")]
    assert "KPI-9-9" in report.errors[0].message


def test_an_unparseable_year(chuo_officer):
    errors, _report = import_rows(chuo_officer, ["KPI-3-1", "", "中央区", "去年", "", "5", ""])
    assert errors == [(3, "年度")]


def test_a_value_out_of_range(chuo_officer):
    errors, _report = import_rows(chuo_officer, ["KPI-1-1", "", "中央区", "2015", "", "120", ""])
    assert errors == [(3, "値")]


def test_a_value_that_is_not_a_number(chuo_officer):
    errors, report = import_rows(chuo_officer, ["KPI-3-2", "", "中央区", "2015", "", "約5", ""])
    assert errors == [(3, "値")]
    assert "数値として読めません" in report.errors[0].message


def test_an_unknown_ward_kind_and_status(chuo_officer):
    errors, _report = import_rows(
        chuo_officer,
        ["KPI-3-1", "", "中区", "2015", "予測", "5", "", "済"],
        headers=[*INDICATOR_HEADERS, "状態"],
    )
    assert errors == [(3, "区"), (3, "種別"), (3, "状態")]


def test_every_bad_row_is_reported_not_just_the_first(chuo_officer):
    errors, _report = import_rows(
        chuo_officer,
        ["KPI-9-9", "", "中央区", "2015", "", "5", ""],
        [],
        ["KPI-3-1", "", "東区", "2015", "", "5", ""],
    )
    assert errors == [(3, "指標コード"), (5, "区")]


def test_a_missing_required_column(chuo_officer):
    before = snapshot()
    headers = ["指標コード", "区", "年度", "備考"]
    report = run_import(
        data=csv_bytes([headers, ["KPI-3-1", "中央区", "2015", ""]]),
        filename="m.csv",
        user=chuo_officer,
        dry_run=False,
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, "値")]
    assert snapshot() == before


def test_a_sheet_of_neither_kind(chuo_officer):
    report = run_import(
        data=csv_bytes([["名前", "値"], ["a", "1"]]),
        filename="x.csv",
        user=chuo_officer,
        dry_run=False,
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, None)]


def test_a_file_in_neither_encoding(chuo_officer):
    before = snapshot()
    data = "指標コード,区,年度,値\r\n".encode("cp932") + b"KPI-3-1,\x85\x40,2015,1\r\n"
    report = run_import(data=data, filename="x.csv", user=chuo_officer, dry_run=False)
    ((row, column, message),) = errors_of(report)
    assert (row, column) == (None, None)
    assert "UTF-8" in message and "CP932" in message
    assert snapshot() == before


def test_an_old_xls_or_a_broken_xlsx(chuo_officer):
    for name, data in [("a.xls", b"\xd0\xcf\x11\xe0rest"), ("a.xlsx", b"PK\x03\x04broken")]:
        report = run_import(data=data, filename=name, user=chuo_officer, dry_run=False)
        assert len(report.errors) == 1 and report.errors[0].row is None


def test_an_empty_file(chuo_officer):
    report = run_import(data=b"", filename="e.csv", user=chuo_officer, dry_run=False)
    assert not report.ok


def test_errors_come_in_english_when_asked(chuo_officer):
    from django.utils import translation

    rows = [INDICATOR_HEADERS, ["KPI-9-9", "", "中央区", "2015", "", "5", ""]]
    with translation.override("en"):
        report = run_import(data=csv_bytes(rows), filename="e.csv", user=chuo_officer, dry_run=True)
    assert errors_of(report) == [(2, "指標コード", 'The plan has no indicator "KPI-9-9".')]
