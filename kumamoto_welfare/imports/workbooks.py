"""Workbooks going out: the template a ward fills in, and exports of what a user may see.

Both use the import's column layout (``sheets``), so an export can be edited and imported
again, and a filled-in template imports as it is. Text that a spreadsheet would run as a
formula is escaped by the one function the API's CSV and xlsx use (``escape_cell``);
numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import translation

from kumamoto_welfare.api.renderers import escape_cell
from kumamoto_welfare.fiscal_year import fiscal_year_label

from .sheets import INDICATOR_SHEET, INITIATIVE_PROGRESS, PROGRESS_SHEET, SHEETS, Sheet

if TYPE_CHECKING:
    from community.models import Ward

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_UTF8 = "csv"
CSV_CP932 = "csv-cp932"
XLSX = "xlsx"
EXPORT_FORMATS = (XLSX, CSV_UTF8, CSV_CP932)


def _headers(sheet: Sheet) -> list[str]:
    return [column.ja for column in sheet.columns]


def _number(value: Decimal | int | None):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


# --- rows in the sheet layout ------------------------------------------------------------


def export_rows(kind: str, user) -> list[list]:
    """Every record of ``kind`` the user may see, one list of cells per row."""
    if kind == INITIATIVE_PROGRESS:
        return _progress_rows(user)
    return _indicator_rows(user)


def _indicator_rows(user) -> list[list]:
    from indicators.models import IndicatorValue

    records = (
        IndicatorValue.objects.visible_to(user)
        .select_related("indicator", "ward")
        .order_by("indicator__code", "fiscal_year", "kind", "ward__position")
    )
    return [
        [
            r.indicator.code,
            r.indicator.name,
            r.ward.name if r.ward_id else "",
            r.fiscal_year,
            r.get_kind_display(),
            _number(r.value),
            r.note,
            r.get_status_display(),
        ]
        for r in records
    ]


def _progress_rows(user) -> list[list]:
    from programs.models import InitiativeProgress

    records = (
        InitiativeProgress.objects.visible_to(user)
        .select_related("initiative", "section__pillar", "ward")
        .order_by("fiscal_year", "initiative__code", "section__number", "ward__position")
    )
    return [
        [
            r.initiative.code if r.initiative_id else r.section.code,
            r.initiative.title if r.initiative_id else r.section.title,
            r.ward.name if r.ward_id else "",
            r.fiscal_year,
            r.get_state_display(),
            r.results,
            r.issues,
            r.next_steps,
            r.events_held,
            r.participants,
            r.trainees,
            r.get_status_display(),
        ]
        for r in records
    ]


def template_rows(kind: str, *, ward: Ward | None, fiscal_year: int) -> list[list]:
    """One row per indicator (or initiative / section without initiatives), the ward and the
    year filled in, the values left for the ward to enter."""
    ward_name = ward.name if ward else ""
    if kind == INITIATIVE_PROGRESS:
        from programs.models import Initiative, Section

        subjects = [(i.code, i.title, i.pillar.number) for i in Initiative.objects.all()]
        subjects += [
            (s.code, s.title, s.pillar.number)
            for s in Section.objects.filter(initiatives__isnull=True).select_related("pillar")
        ]
        subjects.sort(key=lambda s: [int(p) for p in s[0].split("-")])
        blanks = [None] * (len(PROGRESS_SHEET.columns) - 4)
        return [[code, title, ward_name, fiscal_year, *blanks] for code, title, _p in subjects]

    from indicators.models import Indicator

    return [
        [i.code, i.name, ward_name, fiscal_year, "実績", None, None, None]
        for i in Indicator.objects.order_by("pillar__number", "position", "code")
    ]


# --- writing -----------------------------------------------------------------------------


def _xlsx_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = escape_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _write_sheet(worksheet, sheet: Sheet, rows: list[list]) -> None:
    from openpyxl.styles import Font

    worksheet.append(_headers(sheet))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append([_xlsx_cell(value) for value in row])
    worksheet.freeze_panes = "A2"
    widths = {"name": 48, "title": 48, "results": 40, "issues": 40, "next_steps": 40}
    for index, column in enumerate(sheet.columns):
        letter = worksheet.cell(row=1, column=index + 1).column_letter
        worksheet.column_dimensions[letter].width = widths.get(column.key, 14)


def _save(workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def export_xlsx(kind: str, user) -> bytes:
    from openpyxl import Workbook

    sheet = SHEETS[kind]
    workbook = Workbook()
    worksheet = workbook.active
    with translation.override("ja"):
        worksheet.title = str(sheet.title)
        _write_sheet(worksheet, sheet, export_rows(kind, user))
    return _save(workbook)


def export_csv(kind: str, user, *, encoding: str = "utf-8") -> bytes:
    """UTF-8 with a BOM (Excel opens it as it is), or CP932 for older systems, with the
    characters CP932 lacks replaced by '?'."""
    sheet = SHEETS[kind]
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(_headers(sheet))
    with translation.override("ja"):
        rows = export_rows(kind, user)
    for row in rows:
        writer.writerow(["" if value is None else escape_cell(value) for value in row])
    text = stream.getvalue()
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return ("\ufeff" + text).encode("utf-8")


def export_file(kind: str, user, file_format: str) -> tuple[bytes, str, str]:
    """``(content, content type, file name)`` of an export in one of EXPORT_FORMATS."""
    name = "indicator-values" if kind == INDICATOR_SHEET.kind else "initiative-progress"
    if file_format == XLSX:
        return export_xlsx(kind, user), XLSX_TYPE, f"{name}.xlsx"
    if file_format == CSV_CP932:
        return (
            export_csv(kind, user, encoding="cp932"),
            "text/csv; charset=cp932",
            f"{name}-sjis.csv",
        )
    return export_csv(kind, user), "text/csv; charset=utf-8", f"{name}.csv"


def build_template(kind: str, *, ward: Ward | None, fiscal_year: int) -> bytes:
    """An xlsx to fill in: the data sheet first, then 記入方法 (how to fill it in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = SHEETS[kind]
    workbook = Workbook()
    data = workbook.active
    with translation.override("ja"):
        data.title = str(sheet.title)
        _write_sheet(data, sheet, template_rows(kind, ward=ward, fiscal_year=fiscal_year))
        lists = {"status": ["下書き", "提出済み", "承認済み"]}
        if kind == INITIATIVE_PROGRESS:
            lists["state"] = ["未着手", "実施中", "完了", "遅延"]
        else:
            lists["kind"] = ["実績", "目標", "基準値"]
        for index, column in enumerate(sheet.columns, start=1):
            if column.key in lists:
                letter = data.cell(row=1, column=index).column_letter
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(lists[column.key]) + '"'
                )
                validation.add(f"{letter}2:{letter}1000")
                data.add_data_validation(validation)

        guide = workbook.create_sheet("記入方法 (How to fill in)")
        where = ward.name if ward else "市全体"
        guide.append([f"{sheet.title}　{where}　{fiscal_year_label(fiscal_year)}"])
        guide.append(
            [
                "1行目の見出しは変えないでください。値を入れない行はそのまま空欄にすると"
                "取り込まれません。取り込みはすべての行が正しいときだけ行われます。"
            ]
        )
        guide.append(
            [
                "Keep the headers in row 1. Rows left blank are not imported. "
                "Nothing is imported unless every row is valid."
            ]
        )
        guide.append([])
        guide.append(["列", "必須", "説明", "Column", "Required", "Description"])
        for cell in guide[5]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            japanese = str(column.help)
            with translation.override("en"):
                english = str(column.help)
            guide.append(
                [
                    column.ja,
                    "○" if column.required else "",
                    japanese,
                    column.en,
                    "yes" if column.required else "",
                    english,
                ]
            )
    guide["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCDEF", (14, 6, 60, 14, 9, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(workbook)


def template_filename(kind: str, *, ward: Ward | None, fiscal_year: int) -> str:
    name = "indicator-values" if kind == INDICATOR_SHEET.kind else "initiative-progress"
    return f"{name}-{ward.code if ward else 'city'}-{fiscal_year}.xlsx"


__all__ = [
    "EXPORT_FORMATS",
    "build_template",
    "export_csv",
    "export_file",
    "export_rows",
    "export_xlsx",
    "template_filename",
]
