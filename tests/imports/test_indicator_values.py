"""Importing indicator values: the file forms offices produce, and every row through the
domain services and the row-level policy, all or nothing."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import IndicatorValue
from infrastructure.imports import run_import
from infrastructure.workflow import Status
from tests.factories import value
from tests.imports.files import (
    INDICATOR_HEADERS,
    csv_bytes,
    errors_of,
    snapshot,
    where,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    INDICATOR_HEADERS,
    ["KPI-3-1", "地域子育て支援施設利用者数", "中央区", "2015", "実績", "1,234", ""],
    ["KPI-1-1", "元気な高齢者の割合", "中央区", "H25", "", "79.05％", "アンケート"],
    ["KPI-3-2", "", "中央区", "令和元年度", "基準値", "２６．５", ""],
]


def entered():
    return {
        (v.indicator.code, v.fiscal_year, v.kind, v.ward.name if v.ward else None): v
        for v in IndicatorValue.objects.filter(origin="entry").select_related("indicator", "ward")
    }


def assert_good_rows_written(user):
    values = entered()
    assert set(values) == {
        ("KPI-3-1", 2015, "actual", "中央区"),
        ("KPI-1-1", 2013, "actual", "中央区"),
        ("KPI-3-2", 2019, "baseline", "中央区"),
    }
    assert values["KPI-3-1", 2015, "actual", "中央区"].value == Decimal("1234")
    assert values["KPI-1-1", 2013, "actual", "中央区"].value == Decimal("79.05")
    assert values["KPI-1-1", 2013, "actual", "中央区"].note == "アンケート"
    assert values["KPI-3-2", 2019, "baseline", "中央区"].value == Decimal("26.5")
    for record in values.values():
        assert record.status == Status.DRAFT
        (history,) = record.history.all()
        assert history.history_user == user and history.history_type == "+"


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("values.xlsx", xlsx_bytes),
        ("values.csv", lambda rows: csv_bytes(rows, encoding="utf-8-sig")),
        ("values.csv", lambda rows: csv_bytes(rows, encoding="utf-8")),
        ("values.csv", lambda rows: csv_bytes(rows, encoding="cp932")),
    ],
    ids=["xlsx", "utf-8 with BOM", "utf-8 without BOM", "cp932"],
)
def test_a_good_file_imports_in_every_format(chuo_officer, filename, make):
    report = run_import(data=make(GOOD_ROWS), filename=filename, user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert report.written and report.counts["new"] == 3
    assert_good_rows_written(chuo_officer)


def test_the_encoding_and_format_are_reported():
    assert run_import(
        data=csv_bytes(GOOD_ROWS[:1], encoding="cp932"), filename="x.csv", user=None, dry_run=True
    ).encoding == ("cp932")


def test_xlsx_is_recognised_by_content_whatever_the_name(chuo_officer):
    report = run_import(
        data=xlsx_bytes(GOOD_ROWS), filename="export.csv", user=chuo_officer, dry_run=True
    )
    assert report.ok and report.file_format == "xlsx"


def test_a_percentage_cell_formatted_in_excel_reads_as_shown(chuo_officer):
    data = xlsx_bytes([INDICATOR_HEADERS, ["KPI-1-1", "", "中央区", 2015, "実績", 0.7905, ""]])
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    workbook.active["F2"].number_format = "0.00%"
    stream = io.BytesIO()
    workbook.save(stream)
    report = run_import(data=stream.getvalue(), filename="p.xlsx", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert entered()["KPI-1-1", 2015, "actual", "中央区"].value == Decimal("79.05")


@pytest.mark.parametrize(
    ("year", "fiscal_year"),
    [
        ("H25", 2013),
        ("平成25年度", 2013),
        ("令和4年度", 2022),
        ("令和元年度", 2019),
        ("２０１５", 2015),
        ("Ｈ２７", 2015),
        ("2016年度", 2016),
    ],
)
def test_era_years_and_full_width_digits(chuo_officer, year, fiscal_year):
    rows = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", year, "実績", "１２，３４５", ""]]
    report = run_import(data=csv_bytes(rows), filename="y.csv", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert entered()["KPI-3-1", fiscal_year, "actual", "中央区"].value == 12345


def test_a_year_outside_the_plan_is_an_error_on_the_year_column(chuo_officer):
    rows = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", "令和5年度", "", "10", ""]]
    report = run_import(data=csv_bytes(rows), filename="y.csv", user=chuo_officer, dry_run=False)
    assert where(report) == [(2, "年度")]


@pytest.mark.parametrize("amount", ["▲5", "△5", "−5", "-5", "‐5"])
@pytest.mark.parametrize(
    ("code", "message"),
    [("KPI-1-1", "割合は0〜100の範囲"), ("KPI-3-1", "0以上の整数")],
)
def test_a_negative_is_read_but_invalid_for_a_count_or_percentage(
    chuo_officer, amount, code, message
):
    rows = [INDICATOR_HEADERS, [code, "", "中央区", "2015", "", amount, ""]]
    with_snapshot = snapshot()
    report = run_import(data=csv_bytes(rows), filename="n.csv", user=chuo_officer, dry_run=False)
    ((row, column, text),) = errors_of(report)
    assert (row, column) == (2, "値") and message in text
    assert snapshot() == with_snapshot


def test_english_headers_and_english_messages(chuo_officer):
    rows = [
        ["indicator", "ward", "fiscal_year", "kind", "value", "note", "status"],
        ["KPI-3-1", "Chuo Ward", "FY2015", "actual", "100", "", "draft"],
        ["KPI-3-1", "higashi", "2016", "baseline", "100", "", ""],
    ]
    with translation.override("en"):
        report = run_import(data=csv_bytes(rows), filename="e.csv", user=chuo_officer, dry_run=True)
    assert errors_of(report) == [(3, "ward", "You cannot enter or change another ward's data.")]


def test_a_dry_run_writes_nothing(chuo_officer):
    before = snapshot()
    report = run_import(
        data=xlsx_bytes(GOOD_ROWS), filename="v.xlsx", user=chuo_officer, dry_run=True
    )
    assert report.ok and not report.written
    assert report.counts == {"new": 3, "changed": 0, "unchanged": 0, "skipped": 0}
    assert [c.label for c in report.rows[1].changes] == ["値", "備考"]
    assert snapshot() == before


def test_progress_is_reported_row_by_row(chuo_officer):
    calls = []
    run_import(
        data=xlsx_bytes(GOOD_ROWS),
        filename="v.xlsx",
        user=chuo_officer,
        dry_run=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_importing_the_same_file_again_changes_nothing(chuo_officer):
    data = xlsx_bytes(GOOD_ROWS)
    run_import(data=data, filename="v.xlsx", user=chuo_officer, dry_run=False)
    before = snapshot()
    report = run_import(data=data, filename="v.xlsx", user=chuo_officer, dry_run=False)
    assert report.counts["unchanged"] == 3
    assert snapshot() == before
    assert {v.version for v in entered().values()} == {1}


def test_a_changed_row_goes_through_the_update_service(chuo_officer):
    existing = value(ward_code="chuo", amount="100")
    rows = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", "2015", "実績", "120", "見直し"]]
    report = run_import(data=csv_bytes(rows), filename="c.csv", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    (row,) = report.rows
    assert row.outcome == "changed"
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        ("値", "100", "120"),
        ("備考", "—", "見直し"),
    ]
    existing.refresh_from_db()
    assert (existing.value, existing.note, existing.version) == (120, "見直し", 2)
    assert existing.history.latest().history_user == chuo_officer


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file(chuo_officer):
    rows = [
        INDICATOR_HEADERS,
        ["", "", "", "", "", "", ""],
        [],
        ["KPI-3-1", "", "中央区", "2015", "実績", "", ""],
        ["KPI-9-9", "", "中央区", "2015", "実績", "1", ""],
    ]
    report = run_import(data=csv_bytes(rows), filename="b.csv", user=chuo_officer, dry_run=True)
    assert where(report) == [(5, "指標コード")]
    assert [(r.row, r.outcome) for r in report.rows] == [(4, "skipped")]


def test_the_fifty_percent_rule_asks_for_a_note(chuo_officer):
    value(ward_code="chuo", fiscal_year=2014, amount="100", status=Status.APPROVED)
    rows = [INDICATOR_HEADERS, ["KPI-3-1", "", "中央区", "2015", "実績", "200", ""]]
    report = run_import(data=csv_bytes(rows), filename="c.csv", user=chuo_officer, dry_run=True)
    assert where(report) == [(2, "備考")]
    rows[1][-1] = "施設が増えたため"
    assert run_import(data=csv_bytes(rows), filename="c.csv", user=chuo_officer, dry_run=True).ok


# --- the 状態 column: real workflow transitions, within the importer's rights -------------


def status_rows(status, ward="中央区"):
    return [[*INDICATOR_HEADERS, "状態"], ["KPI-3-1", "", ward, "2015", "", "10", "", status]]


def test_a_ward_officer_may_submit_their_own_rows(chuo_officer):
    report = run_import(
        data=csv_bytes(status_rows("提出済み")), filename="s.csv", user=chuo_officer, dry_run=False
    )
    assert report.ok, errors_of(report)
    record = entered()["KPI-3-1", 2015, "actual", "中央区"]
    assert record.status == Status.SUBMITTED
    assert [(t.transition, t.user) for t in record.transitions.all()] == [("submit", chuo_officer)]
    assert [h.history_user for h in record.history.order_by("history_date")] == [
        chuo_officer,
        chuo_officer,
    ]


def test_a_ward_officer_may_not_approve(chuo_officer):
    before = snapshot()
    report = run_import(
        data=csv_bytes(status_rows("承認済み")), filename="s.csv", user=chuo_officer, dry_run=False
    )
    assert errors_of(report) == [(2, "状態", "承認・差し戻しは計画担当が行います。")]
    assert snapshot() == before


def test_a_planner_may_import_approved_city_wide_values(planner, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    report = run_import(
        data=csv_bytes(status_rows("承認済み", ward="")),
        filename="s.csv",
        user=planner,
        dry_run=False,
    )
    assert report.ok, errors_of(report)
    record = entered()["KPI-3-1", 2015, "actual", None]
    assert record.status == Status.APPROVED and record.version == 3
    assert [t.transition for t in record.transitions.all()] == ["submit", "approve"]


def test_the_import_cannot_move_a_record_back(planner):
    value(ward_code="chuo", amount="10", status=Status.SUBMITTED)
    report = run_import(
        data=csv_bytes(status_rows("下書き")), filename="s.csv", user=planner, dry_run=True
    )
    assert where(report) == [(2, "状態")]


def test_a_dry_run_queues_nothing_on_commit(chuo_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        run_import(data=xlsx_bytes(GOOD_ROWS), filename="v.xlsx", user=chuo_officer, dry_run=True)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        run_import(data=xlsx_bytes(GOOD_ROWS), filename="v.xlsx", user=chuo_officer, dry_run=False)
    assert callbacks  # the real import refreshes the summaries once committed


def test_lookups_are_made_once_per_import_not_per_row(chuo_officer):
    """Indicators, wards, existing records and the user's groups are read once; what is left
    per row is the services' own work (validation, constraints, the plan's reach, the 50%
    rule, insert and history), 25 statements counting savepoints."""

    def rows(n):
        return [INDICATOR_HEADERS] + [
            ["KPI-3-1", "", "中央区", str(2008 + i), "", "10", ""] for i in range(n)
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert run_import(
                data=csv_bytes(rows(n)), filename="q.csv", user=chuo_officer, dry_run=True
            ).ok
        counts.append(len(queries))
    per_row = (counts[1] - counts[0]) / 10
    assert per_row <= 25, counts


@pytest.mark.parametrize("kind", ["目標", "目標値", "target"])
def test_a_target_row_is_refused_targets_are_set_by_planners(planner, kind):
    rows = [INDICATOR_HEADERS, ["KPI-3-1", "", "", "2016", kind, "100", ""]]
    before = snapshot()
    report = run_import(data=csv_bytes(rows), filename="t.csv", user=planner, dry_run=False)
    ((row, column, text),) = errors_of(report)
    assert (row, column) == (2, "種別") and "目標値は取り込みでは登録できません" in text
    assert snapshot() == before
