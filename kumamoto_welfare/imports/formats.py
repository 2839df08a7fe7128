"""Turning an upload into a tablib Dataset with django-import-export's formats.

Two subclasses of ``import_export.formats.base_formats``, each for what the library's own
cannot give:

- ``CSV`` decodes UTF-8 (with or without a BOM) and, failing that, CP932, the Shift_JIS that
  Excel in Japan saves (the library reads ``utf-8-sig`` only); it reads the rows itself
  because tablib's CSV reader drops empty lines without a trace, and with them the row
  numbers the spreadsheet shows.
- ``XLSX`` reads the first sheet whose header row is one of ours (an instructions sheet may
  come first; the library reads the active sheet), and a cell formatted as a percentage as it
  is shown (79.05, not the 0.7905 stored).

Both skip blank rows but count them: ``dataset.row_numbers[i]`` is the row number the
spreadsheet shows for data row ``i`` (the header is row 1, the first data row row 2).
xlsx is recognised by its content (a zip), whatever the extension; old ``.xls`` is refused.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from .widgets import is_blank


class FileError(Exception):
    """The file as a whole cannot be read; nothing about single rows can be said."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SheetDataset(tablib.Dataset):
    """A Dataset that remembers where its rows stand in the spreadsheet."""

    header_row: int = 1
    row_numbers: list[int]
    encoding: str | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, list[object]]]) -> SheetDataset:
        """``rows`` as ``(row number, cells)``, header first; blank rows are left out."""
        rows = [(number, list(cells)) for number, cells in rows if not all(map(is_blank, cells))]
        if not rows:
            raise FileError(_("ファイルにデータがありません。"))
        dataset = cls()
        (dataset.header_row, headers), rows = rows[0], rows[1:]
        while headers and is_blank(headers[-1]):
            headers.pop()
        dataset.headers = ["" if header is None else header for header in headers]
        width = len(headers)
        for _number, cells in rows:  # cells past the last header have no column
            dataset.append((cells + [None] * width)[:width])
        dataset.row_numbers = [number for number, _cells in rows]
        return dataset


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream: bytes, **kwargs) -> SheetDataset:
        text, encoding = _decode(in_stream)
        dataset = SheetDataset.from_rows(enumerate(csv.reader(io.StringIO(text)), start=1))
        dataset.encoding = encoding
        return dataset


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
        raise FileError(
            _(
                "文字コードを判別できません。CSV は UTF-8 か Shift_JIS（CP932）で保存してください"
                "（Excel では「CSV UTF-8」か「CSV（コンマ区切り）」）。"
            )
        )
    return text, "cp932"


def _unreadable_xlsx() -> str:
    return _("xlsx ファイルとして読めません。壊れていないか確認してください。")


class XLSX(base_formats.XLSX):
    def __init__(self, *, is_ours: Callable[[list[object]], bool] = lambda headers: True):
        super().__init__()
        self.is_ours = is_ours

    def create_dataset(self, in_stream: bytes) -> SheetDataset:
        from openpyxl import load_workbook

        try:
            # As the library reads it: read-only, the values of formula cells.
            workbook = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
            try:
                first = None
                for sheet in workbook.worksheets:
                    rows = enumerate(sheet.iter_rows(), start=1)
                    try:
                        dataset = SheetDataset.from_rows(
                            (number, [_shown(cell) for cell in cells]) for number, cells in rows
                        )
                    except FileError:  # an empty sheet
                        continue
                    dataset.title = sheet.title
                    if self.is_ours(dataset.headers):
                        return dataset
                    first = first or dataset
            finally:
                workbook.close()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileError(_unreadable_xlsx()) from error
        if first is None:
            raise FileError(_("ファイルにデータがありません。"))
        return first


def _shown(cell) -> object:
    value = cell.value
    # 79.05% typed in Excel is stored as 0.7905 with a percent format: give back what was seen.
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and "%" in (getattr(cell, "number_format", None) or ""):
        return Decimal(repr(value)) * 100
    return value


def read_dataset(
    data: bytes, filename: str, *, is_ours: Callable[[list[object]], bool]
) -> tuple[SheetDataset, str]:
    """The upload as a Dataset, and its format (``"xlsx"`` or ``"csv"``)."""
    if data.startswith(b"PK\x03\x04"):
        file_format = XLSX(is_ours=is_ours)
    else:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension in {"xlsx", "xlsm"}:
            raise FileError(_unreadable_xlsx())
        if extension == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileError(
                _(
                    "古い Excel 形式（xls）には対応していません。xlsx か CSV で"
                    "保存し直してください。"
                )
            )
        file_format = CSV()
    return file_format.create_dataset(data), file_format.get_extension()
