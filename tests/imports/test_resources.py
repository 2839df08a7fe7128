"""The django-import-export pieces: columns declared once, the widgets, the formats."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from community.models import Ward
from indicators.resources import IndicatorValueResource
from infrastructure.imports import run_import
from infrastructure.imports.formats import CSV, read_dataset
from infrastructure.imports.widgets import CellError, NumberWidget, TextWidget
from infrastructure.imports.workbooks import build_template, export_dataset
from programs.resources import InitiativeProgressResource
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, errors_of, where

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1,234", Decimal("1234")),
        ("79.05％", Decimal("79.05")),
        ("▲5", Decimal("-5")),
        ("△5", Decimal("-5")),
        ("−5", Decimal("-5")),
        ("１２，３４５．５", Decimal("12345.5")),
        (0.5, Decimal("0.5")),
        (None, None),
    ],
)
def test_the_number_widget_reads_numbers_as_offices_type_them(cell, number):
    assert NumberWidget().clean(cell) == number


def test_only_numeric_cells_are_normalised():
    with pytest.raises(CellError):
        NumberWidget().clean("約5")
    assert TextWidget().clean("①") == "①"
    assert TextWidget().clean("'=1+1") == "=1+1"  # our own escaping, taken off again


@pytest.mark.parametrize("kind", ["indicator_value", "initiative_progress"])
def test_template_and_export_take_their_columns_from_the_resource(planner, kind):
    resource = {
        "indicator_value": IndicatorValueResource,
        "initiative_progress": InitiativeProgressResource,
    }[kind]
    headers = [str(column.column_name) for _name, column in resource.columns()]
    template = load_workbook(
        io.BytesIO(build_template(kind, ward=Ward.objects.get(code="chuo"), fiscal_year=2015))
    )
    assert list(next(template.worksheets[0].values)) == headers
    assert export_dataset(kind, planner).headers == headers


def test_the_csv_format_decodes_cp932_and_counts_blank_rows():
    rows = [INDICATOR_HEADERS, [], ["KPI-3-1", "", "中央区", "2015", "", "1", ""]]
    dataset = CSV().create_dataset(csv_bytes(rows, encoding="cp932"))
    assert (dataset.encoding, dataset.row_numbers, dataset.headers) == (
        "cp932",
        [3],
        INDICATOR_HEADERS,
    )


def test_the_xlsx_format_finds_the_data_sheet_after_an_instructions_sheet(chuo_officer):
    workbook = Workbook()
    workbook.active.title = "記入方法"
    workbook.active.append(["このシートの後に入力してください。"])
    data = workbook.create_sheet("指標の値")
    for row in [
        INDICATOR_HEADERS,
        [None] * 7,
        ["KPI-3-1", "", "中央区", 2015, "", "▲5", ""],
    ]:
        data.append(row)
    stream = io.BytesIO()
    workbook.save(stream)

    dataset, file_format = read_dataset(stream.getvalue(), "x.xlsx", is_ours=lambda h: "値" in h)
    assert (file_format, dataset.title, dataset.row_numbers) == ("xlsx", "指標の値", [3])
    report = run_import(data=stream.getvalue(), filename="x.xlsx", user=chuo_officer, dry_run=True)
    assert report.sheet_name == "指標の値"
    assert [(e.row, e.column) for e in report.errors] == [(3, "値")]  # a negative count


def test_the_library_result_carries_the_errors_keyed_by_field(chuo_officer):
    """What ``run_import`` turns into 行 / 列 / 理由: the library's invalid rows."""
    resource = IndicatorValueResource(user=chuo_officer)
    rows = [
        INDICATOR_HEADERS,
        ["KPI-9-9", "", "東区", "2015", "", "x", ""],
    ]
    dataset, _format = read_dataset(csv_bytes(rows), "r.csv", is_ours=lambda h: True)
    result = resource.import_data(
        resource.canonical(dataset, resource.match_headers(dataset.headers)),
        dry_run=True,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    (invalid,) = result.invalid_rows
    assert set(invalid.error_dict) == {"indicator", "value"}
    report = run_import(data=csv_bytes(rows), filename="r.csv", user=chuo_officer, dry_run=True)
    assert [(row, column) for row, column, _text in errors_of(report)] == [
        (2, "指標コード"),
        (2, "値"),
    ]


def test_a_failing_row_leaves_nothing_behind_for_the_next_rows(chuo_officer):
    """Row 2 is created and submitted, then its approval is refused: its savepoint is rolled
    back at once, not only at the end of the import."""
    from indicators.models import IndicatorValue

    rows = [
        [*INDICATOR_HEADERS, "状態"],
        ["KPI-3-1", "", "中央区", "2015", "", "10", "", "承認済み"],
        ["KPI-3-1", "", "中央区", "2016", "", "10", "", ""],
    ]
    seen = []

    def progress(done, total):
        if done == 2:  # after the second data row (row 3), inside the transaction
            seen.append(IndicatorValue.objects.filter(origin="entry").count())

    report = run_import(
        data=csv_bytes(rows), filename="r.csv", user=chuo_officer, dry_run=True, progress=progress
    )
    assert where(report) == [(2, "状態")]
    assert seen == [1]  # row 3's record only
