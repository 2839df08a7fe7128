"""Importing initiative progress: per initiative, or per section where the plan has none."""

import pytest

from infrastructure.imports import run_import
from programs.models import InitiativeProgress
from tests.imports.files import PROGRESS_HEADERS, csv_bytes, errors_of, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_progress_rows_for_initiatives_and_a_section_without_initiatives(chuo_officer):
    rows = [
        PROGRESS_HEADERS,
        ["1-2-1", "高齢者見守り事業の推進", "中央区", "H27", "実施中", "見守り訪問", "12", "340"],
        ["2-3", "", "中央区", "2015", "完了", "", "", ""],
        ["4-1", "", "中央区", "平成27年度", "", "健康まちづくり", "3", ""],
    ]
    report = run_import(data=xlsx_bytes(rows), filename="p.xlsx", user=chuo_officer, dry_run=False)
    assert report.ok, errors_of(report)
    assert report.kind == "initiative_progress" and report.counts["new"] == 3
    records = {
        (p.initiative.code if p.initiative else p.section.code): p
        for p in InitiativeProgress.objects.select_related("initiative", "section__pillar")
    }
    assert set(records) == {"1-2-1", "2-3", "4-1"}
    first = records["1-2-1"]
    assert (first.state, first.results, first.events_held, first.participants) == (
        "in_progress",
        "見守り訪問",
        12,
        340,
    )
    assert records["4-1"].state == "not_started" and records["4-1"].section.code == "4-1"
    assert first.history.get().history_user == chuo_officer


def test_english_headers_for_progress(planner):
    rows = [
        [
            "initiative",
            "ward",
            "fiscal_year",
            "state",
            "results",
            "issues",
            "next_steps",
            "events_held",
            "participants",
            "trainees",
            "status",
        ],
        ["3-1-1", "", "2016", "delayed", "", "人手不足", "募集を強化", "", "", "25", "submitted"],
    ]
    report = run_import(data=csv_bytes(rows), filename="p.csv", user=planner, dry_run=False)
    assert report.ok, errors_of(report)
    record = InitiativeProgress.objects.get()
    assert (record.ward, record.state, record.trainees, record.status) == (
        None,
        "delayed",
        25,
        "submitted",
    )


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["9-9-9", "", "中央区", "2015", "完了", "", "", ""], "取組コード"),
        (["1-2", "", "中央区", "2015", "完了", "", "", ""], "取組コード"),  # has initiatives
        (["1-2-1", "", "中央区", "2015", "終わった", "", "", ""], "進捗"),
        (["1-2-1", "", "中央区", "2015", "完了", "", "▲3", ""], "開催回数"),
        (["1-2-1", "", "中央区", "2015", "完了", "", "", "2.5"], "参加者数"),
        (["1-2-1", "", "西区", "2015", "完了", "", "", ""], "区"),
        (["1-2-1", "", "中央区", "2030", "完了", "", "", ""], "年度"),
    ],
)
def test_bad_progress_rows(chuo_officer, row, column):
    good = ["1-1-1", "", "中央区", "2015", "実施中", "", "1", "2"]
    before = snapshot()
    report = run_import(
        data=csv_bytes([PROGRESS_HEADERS, good, row]),
        filename="p.csv",
        user=chuo_officer,
        dry_run=False,
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert snapshot() == before


def test_a_duplicate_progress_row(chuo_officer):
    row = ["1-1-1", "", "中央区", "2015", "実施中", "", "1", "2"]
    report = run_import(
        data=csv_bytes([PROGRESS_HEADERS, row, [*row[:3], "H27", *row[4:]]]),
        filename="p.csv",
        user=chuo_officer,
        dry_run=True,
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "取組コード")]


def test_columns_left_out_of_the_file_are_left_alone(chuo_officer):
    rows = [
        [*PROGRESS_HEADERS, "課題"],
        ["1-1-1", "", "中央区", "2015", "実施中", "a", "1", "", "課"],
    ]
    run_import(data=csv_bytes(rows), filename="p.csv", user=chuo_officer, dry_run=False)
    rows = [["取組コード", "区", "年度", "進捗"], ["1-1-1", "中央区", "2015", "完了"]]
    report = run_import(data=csv_bytes(rows), filename="p.csv", user=chuo_officer, dry_run=False)
    assert [(c.label, c.old, c.new) for c in report.rows[0].changes] == [("進捗", "実施中", "完了")]
    record = InitiativeProgress.objects.get()
    assert (record.state, record.results, record.issues, record.events_held) == (
        "completed",
        "a",
        "課",
        1,
    )
