"""The 評価シート: export, import through the shared engine, row and column errors in
Japanese, the policy on every row, nothing overwritten silently."""

import io

import pytest
from openpyxl import load_workbook

from evaluations.models import Evaluation
from infrastructure.imports import run_import
from infrastructure.imports.workbooks import build_template, export_xlsx
from infrastructure.workflow import Status
from tests.factories import evaluation
from tests.imports.files import csv_bytes, errors_of, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = [
    "年度",
    "施策",
    "項目・取組",
    "評価段階",
    "評価",
    "成果",
    "要因分析",
    "課題",
    "今後の方向性",
    "意見",
]


def _import(rows, user, *, dry_run=False, csv=False):
    data = csv_bytes([HEADERS, *rows]) if csv else xlsx_bytes([HEADERS, *rows])
    return run_import(data=data, filename="e.csv" if csv else "e.xlsx", user=user, dry_run=dry_run)


def test_a_planner_imports_every_kind_of_item_and_stage(planner, welfare_department):
    report = _import(
        [
            ["H28", 1, "", "二次評価", "B", "", "担い手が増えた", "校区差", "継続", ""],
            ["2016", "1", "1-2", "一次評価", "C", "訪問340件", "", "", "改善", ""],
            ["平成28年度", 1, "2", "審議会意見", "", "", "", "", "", "見守りの充実を"],
            [2016, 2, "2-3", "secondary", "A", "", "", "", "expand", ""],
        ],
        planner,
        csv=True,
    )
    assert report.ok, errors_of(report)
    assert report.kind == "evaluation" and report.counts["new"] == 4
    rows = [
        (
            str(e.subject.code if not e.pillar_id else e.subject.number),
            e.stage,
            e.rating,
            e.direction,
        )
        for e in Evaluation.objects.all()
    ]
    assert rows == [
        ("1", "secondary", "B", "continue"),
        ("1-2", "primary", "C", "improve"),
        ("1-2", "council", "", ""),
        ("2-3", "secondary", "A", "expand"),
    ]
    assert Evaluation.objects.get(stage="council").comment == "見守りの充実を"
    assert Evaluation.objects.first().history.get().history_user == planner


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(planner):
    report = _import(
        [
            [2016, 1, "", "二次評価", "Z", "", "", "", "継続", ""],  # row 2: rating
            [2016, 1, "", "最終評価", "B", "", "", "", "", ""],  # row 3: stage
            [2016, 1, "3-1", "一次評価", "B", "", "", "", "", ""],  # row 4: not pillar 1's
            [2016, 9, "", "一次評価", "B", "", "", "", "", ""],  # row 5: no pillar 9
            [2016, 1, "1-2", "一次評価", "B", "", "", "", "拡大", ""],  # row 6: direction
            [2016, 3, "", "二次評価", "B", "", "", "", "", ""],
            [2016, 3, "", "二次評価", "C", "", "", "", "", ""],  # row 8: same as row 7
        ],
        planner,
    )
    assert not report.ok and not Evaluation.objects.exists()
    errors = {(row, column): message for row, column, message in errors_of(report)}
    assert "評価「Z」は使えません" in errors[(2, "評価")]
    assert "評価段階「最終評価」は使えません" in errors[(3, "評価段階")]
    assert "施策1にありません" in errors[(4, "項目・取組")]
    assert "施策「9」は計画にありません" in errors[(5, "項目・取組")]
    assert "今後の方向性「拡大」は使えません" in errors[(6, "今後の方向性")]
    assert "7行目と同じ記録です" in errors[(8, "年度")]


def test_each_row_is_held_to_the_policy(dept_officer, other_department):
    report = _import(
        [
            [2016, 1, "1-2", "一次評価", "B", "", "理由", "", "継続", ""],
            [2016, 1, "1-2", "二次評価", "B", "", "", "", "", ""],  # row 3: not the department's
            [2016, 1, "1-1", "一次評価", "B", "", "", "", "", ""],  # row 4: another department
            [2016, 1, "", "一次評価", "B", "", "", "", "", ""],  # row 5: the pillar: planners'
        ],
        dept_officer,
    )
    errors = {(row, column): message for row, column, message in errors_of(report)}
    assert set(errors) == {(3, "評価段階"), (4, "評価段階"), (5, "評価段階")}
    assert "一次評価だけ" in errors[(3, "評価段階")]
    assert "他の所管課" in errors[(4, "評価段階")]
    assert "所管課のない項目" in errors[(5, "評価段階")]
    assert not Evaluation.objects.exists()
    alone = _import([[2016, 1, "1-2", "一次評価", "B", "", "理由", "", "継続", ""]], dept_officer)
    assert alone.ok, errors_of(alone)
    assert Evaluation.objects.get().history.get().history_user == dept_officer


def test_an_export_imports_again_unchanged_and_changes_are_versioned(planner):
    evaluation(pillar=1, stage="secondary", rating="B", analysis="=1+1 と書いた")
    evaluation(initiative="1-2-1", stage="primary", rating="C")
    exported = export_xlsx("evaluation", planner)
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ["年度", "施策", "項目・取組", "名称", "所管課", "評価段階"]
    assert rows[1][:3] == [2016, 1, None] and rows[2][:3] == [2016, 1, "1-2-1"]
    assert rows[1][rows[0].index("要因分析")] == "'=1+1 と書いた"  # escaped, not a formula
    again = run_import(data=exported, filename="e.xlsx", user=planner, dry_run=False)
    assert again.ok, errors_of(again)
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 2, "skipped": 0}
    assert Evaluation.objects.get(pillar__number=1).version == 1

    rows[2][rows[0].index("評価")] = "B"
    changed = run_import(data=xlsx_bytes(rows), filename="e.xlsx", user=planner, dry_run=False)
    assert changed.counts["changed"] == 1
    record = Evaluation.objects.get(initiative__code="1-2-1")
    assert (record.rating, record.version) == ("B", 2)


def test_an_approved_evaluation_is_not_overwritten_by_an_import(planner):
    evaluation(pillar=1, stage="secondary", rating="B", status=Status.APPROVED)
    report = _import([[2016, 1, "", "二次評価", "C", "", "", "", "", ""]], planner)
    assert not report.ok
    assert "承認済み" in errors_of(report)[0][2]
    assert Evaluation.objects.get().rating == "B"


def test_status_moves_forward_through_the_workflow(planner, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    rows = [[*HEADERS, "状態"], [2016, 1, "", "二次評価", "B", "", "", "", "", "", "承認済み"]]
    report = run_import(data=xlsx_bytes(rows), filename="e.xlsx", user=planner, dry_run=False)
    assert report.ok, errors_of(report)
    record = Evaluation.objects.get()
    assert record.status == Status.APPROVED
    assert [t.transition for t in record.transitions.all()] == ["submit", "approve"]


def test_the_template_lists_every_item_in_plan_order(welfare_department):
    sheet = load_workbook(io.BytesIO(build_template("evaluation", ward=None, fiscal_year=2016)))
    rows = list(sheet.worksheets[0].iter_rows(values_only=True))
    items = [(row[1], row[2]) for row in rows[1:]]
    assert items[:5] == [(1, None), (1, "1-1"), (1, "1-1-1"), (1, "1-2"), (1, "1-2-1")]
    assert (2, "2-3") in items
    department = {row[2]: row[4] for row in rows[1:]}
    assert department["1-2"] == "地域福祉課" and department["1-1"] is None
