"""Turning an uploaded file into rows, numbered as the spreadsheet shows them.

xlsx is recognised by its content (a zip), whatever the extension; anything else is read as
CSV, decoded as UTF-8 (with or without a BOM) and failing that as CP932, the Shift_JIS that
Excel in Japan saves. Blank rows are skipped but counted, so row numbers stay those of the
file: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .cells import is_blank
from .sheets import detect_sheet

XLSX = "xlsx"
CSV = "csv"


class FileError(Exception):
    """The file as a whole cannot be read; nothing about single rows can be said."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Table:
    file_format: str
    encoding: str | None
    sheet_name: str | None
    header_row: int
    headers: list[object]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number, cells)


def _unreadable_xlsx() -> str:
    return _("xlsx ファイルとして読めません。壊れていないか確認してください。")


def read_table(data: bytes, filename: str) -> Table:
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsx", "xlsm"}:
        raise FileError(_unreadable_xlsx())
    if extension == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            _("古い Excel 形式（xls）には対応していません。xlsx か CSV で保存し直してください。")
        )
    text, encoding = _decode(data)
    return _table(CSV, encoding, None, list(enumerate(csv.reader(io.StringIO(text)), start=1)))


# Characters CP932 decodes into the private use area: the bytes were not Shift_JIS text.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _decode(data: bytes) -> tuple[str, str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = None
    if text is None or _PRIVATE_USE.search(text):
        raise FileError(_undecodable())
    return text, "cp932"


def _undecodable() -> str:
    return _(
        "文字コードを判別できません。CSV は UTF-8 か Shift_JIS（CP932）で保存してください"
        "（Excel では「CSV UTF-8」か「CSV（コンマ区切り）」）。"
    )


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileError(_unreadable_xlsx()) from error
    tables = []
    for sheet in workbook.worksheets:
        rows = [
            (number, [_xlsx_value(cell) for cell in cells])
            for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1)
        ]
        tables.append(_table(XLSX, None, sheet.title, rows))
    # The first sheet that is one of ours; an instructions sheet may come first.
    for table in tables:
        if detect_sheet(table.headers):
            return table
    return tables[0]


def _xlsx_value(cell) -> object:
    value = cell.value
    # 79.05% typed in Excel is stored as 0.7905 with a percent format: give back what was seen.
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and "%" in (cell.number_format or ""):
        return Decimal(repr(value)) * 100
    return value


def _table(file_format: str, encoding: str | None, sheet_name: str | None, rows) -> Table:
    rows = [(number, list(cells)) for number, cells in rows if not all(map(is_blank, cells))]
    if not rows:
        raise FileError(_("ファイルにデータがありません。"))
    header_row, headers = rows[0]
    while headers and is_blank(headers[-1]):
        headers.pop()
    return Table(file_format, encoding, sheet_name, header_row, headers, rows[1:])
