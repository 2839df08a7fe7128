"""Workbooks going out: exports of what a user may see, and the template a ward fills in.

Both take their columns from the sheet's resource (``resources``), so an export can be
edited and imported again, and a filled-in template imports as it is. Exports are the
library's: ``Resource.export(queryset)`` gives a tablib Dataset (text escaped against
formulas by the resource, numbers kept as numbers), written by ``base_formats.XLSX`` /
``CSV``. The template is built with openpyxl, for its drop-down lists and its instructions
sheet.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import translation
from import_export.formats import base_formats

from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.text import export_text

from .sheets import SHEETS
from .widgets import ChoiceWidget

if TYPE_CHECKING:
    import tablib
    from django.db.models import Model

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_UTF8 = "csv"
CSV_CP932 = "csv-cp932"
XLSX = "xlsx"
EXPORT_FORMATS = (XLSX, CSV_UTF8, CSV_CP932)


# --- exports -----------------------------------------------------------------------------


def export_dataset(kind: str, user) -> tablib.Dataset:
    """Every record of ``kind`` the user may see (``visible_to``), in the sheet's columns."""
    resource = SHEETS[kind].resource_class()
    with translation.override("ja"):
        dataset = resource.export(resource.export_queryset(user))
        dataset.title = str(SHEETS[kind].title)
    return dataset


def export_xlsx(kind: str, user) -> bytes:
    return base_formats.XLSX().export_data(export_dataset(kind, user))


def export_csv(kind: str, user, *, encoding: str = "utf-8") -> bytes:
    """UTF-8 with a BOM (Excel opens it as it is), or CP932 for older systems, with the
    characters CP932 lacks replaced by '?'. Lines end in CRLF."""
    text = base_formats.CSV().export_data(export_dataset(kind, user))
    if encoding == "cp932":
        return text.encode("cp932", errors="replace")
    return ("\ufeff" + text).encode("utf-8")


def export_file(kind: str, user, file_format: str) -> tuple[bytes, str, str]:
    """``(content, content type, file name)`` of an export in one of EXPORT_FORMATS."""
    name = SHEETS[kind].file_name
    if file_format == XLSX:
        return export_xlsx(kind, user), XLSX_TYPE, f"{name}.xlsx"
    if file_format == CSV_CP932:
        return (
            export_csv(kind, user, encoding="cp932"),
            "text/csv; charset=cp932",
            f"{name}-sjis.csv",
        )
    return export_csv(kind, user), "text/csv; charset=utf-8", f"{name}.csv"


# --- the template ------------------------------------------------------------------------


def template_rows(kind: str, *, ward: Model | None, fiscal_year: int) -> list[list]:
    """One row per subject of the sheet (indicator, initiative …), the ward and the year
    filled in, the values left for the ward to enter."""
    return SHEETS[kind].resource_class().template_rows(ward=ward, fiscal_year=fiscal_year)


_WIDTHS = {"name": 48, "title": 48, "results": 40, "issues": 40, "next_steps": 40}


def build_template(kind: str, *, ward: Model | None, fiscal_year: int) -> bytes:
    """An xlsx to fill in: the data sheet first, then 記入方法 (how to fill it in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = SHEETS[kind]
    columns = sheet.resource_class.columns()
    workbook = Workbook()
    data = workbook.active
    with translation.override("ja"):
        data.title = str(sheet.title)
        data.append([str(column.column_name) for _name, column in columns])
        for cell in data[1]:
            cell.font = Font(bold=True)
        for row in template_rows(kind, ward=ward, fiscal_year=fiscal_year):
            data.append([export_text(v) if isinstance(v, str) else v for v in row])
        data.freeze_panes = "A2"
        for index, (name, column) in enumerate(columns, start=1):
            letter = get_column_letter(index)
            data.column_dimensions[letter].width = _WIDTHS.get(name, 14)
            if isinstance(column.widget, ChoiceWidget):  # 種別 / 進捗 / 状態: a drop-down list
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(column.widget.labels()) + '"'
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
        for _name, column in columns:
            japanese = str(column.help)
            with translation.override("en"):
                english = str(column.help)
            guide.append(
                [
                    column.column_name,
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
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def template_filename(kind: str, *, ward: Model | None, fiscal_year: int) -> str:
    name = SHEETS[kind].file_name
    return f"{name}-{ward.code if ward else 'city'}-{fiscal_year}.xlsx"


__all__ = [
    "EXPORT_FORMATS",
    "build_template",
    "export_csv",
    "export_dataset",
    "export_file",
    "export_xlsx",
    "template_filename",
]
