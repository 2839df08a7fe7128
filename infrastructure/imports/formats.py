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

Both hold the file to the import's limits (``limits``): an xlsx is looked over before
openpyxl opens it (``guards``); then, for either format, at most ``max_rows`` data rows and
``max_columns`` columns, no cell longer than ``max_cell_chars`` and no character the text
rule refuses (``infrastructure.text``: control characters but tab and line breaks, unpaired
surrogates) in any cell, each refused cell named by its row and column. Whatever a parser
raises becomes a ``FileError`` with a message in the user's language.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl.utils import get_column_letter

from infrastructure.text import refusal_message, refused_character

from .guards import Refused, inspect_xlsx
from .limits import ImportLimits
from .widgets import is_blank

logger = logging.getLogger(__name__)

# A file with more refused cells than this is reported up to here.
MAX_CELL_PROBLEMS = 100


class FileError(Exception):
    """The file cannot be imported. ``problems`` are ``(row, column, message)``: row and
    column None when nothing about single rows can be said, else the refused cells."""

    def __init__(
        self, message: str, *, problems: list[tuple[int | None, str | None, str]] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.problems = problems or [(None, None, message)]


class EmptySheet(FileError):
    """Nothing but blank rows."""

    def __init__(self):
        super().__init__(_("ファイルにデータがありません。"))


def _column_name(headers: list[object] | None, index: int) -> str:
    if headers is not None and index < len(headers) and not is_blank(headers[index]):
        return str(headers[index]).strip()
    return get_column_letter(index + 1)


def _cell_problem(cell: object, limits: ImportLimits) -> str | None:
    if not isinstance(cell, str):
        return None
    if len(cell) > limits.max_cell_chars:
        return _("長すぎます（%(length)s 文字、上限 %(limit)s 文字）。") % {
            "length": len(cell),
            "limit": limits.max_cell_chars,
        }
    character = refused_character(cell)
    return None if character is None else refusal_message(character)


def _too_many_rows(limits: ImportLimits) -> str:
    return _("行が多すぎます（上限 %(limit)s 行）。ファイルを分けて取り込んでください。") % {
        "limit": limits.max_rows
    }


class SheetDataset(tablib.Dataset):
    """A Dataset that remembers where its rows stand in the spreadsheet."""

    header_row: int = 1
    row_numbers: list[int]
    encoding: str | None = None

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, list[object]]], *, limits: ImportLimits | None = None
    ) -> SheetDataset:
        """``rows`` as ``(row number, cells)``, header first; blank rows are left out. Reads
        no more rows than the limits allow, and refuses every cell they refuse."""
        limits = limits or ImportLimits.current()
        problems: list[tuple[int | None, str | None, str]] = []
        header: tuple[int, list[object]] | None = None
        kept: list[tuple[int, list[object]]] = []
        for number, cells in rows:
            cells = list(cells)
            if all(map(is_blank, cells)):
                continue
            in_header = header is None
            if in_header:
                headers = cells
                while headers and is_blank(headers[-1]):
                    headers.pop()
                if len(headers) > limits.max_columns:
                    raise FileError(
                        _("列が多すぎます（上限 %(limit)s 列）。") % {"limit": limits.max_columns}
                    )
                header = (number, headers)
            else:
                if len(kept) >= limits.max_rows:
                    raise FileError(_too_many_rows(limits))
                cells = cells[: len(header[1])]  # cells past the last header have no column
                kept.append((number, cells))
            for index, cell in enumerate(cells):
                problem = _cell_problem(cell, limits)
                if problem is not None:
                    name = _column_name(None if in_header else header[1], index)
                    problems.append((number, name, problem))
                    if len(problems) >= MAX_CELL_PROBLEMS:
                        raise FileError(problem, problems=problems)
        if problems:
            raise FileError(problems[0][2], problems=problems)
        if header is None:
            raise EmptySheet
        dataset = cls()
        dataset.header_row, headers = header
        dataset.headers = ["" if header is None else header for header in headers]
        width = len(headers)
        for _number, cells in kept:
            dataset.append(cells + [None] * (width - len(cells)))
        dataset.row_numbers = [number for number, _cells in kept]
        return dataset


class CSV(base_formats.CSV):
    def __init__(self, *, limits: ImportLimits | None = None):
        super().__init__()
        self.limits = limits or ImportLimits.current()

    def create_dataset(self, in_stream: bytes, **kwargs) -> SheetDataset:
        text, encoding = _decode(in_stream)
        dataset = SheetDataset.from_rows(_csv_rows(text, self.limits), limits=self.limits)
        dataset.encoding = encoding
        return dataset


def _csv_rows(text: str, limits: ImportLimits) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records, numbered from 1; a record the reader refuses is a FileError
    naming its row."""
    reader = csv.reader(io.StringIO(text))
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                message = _("長すぎるセルがあります（上限 %(limit)s 文字）。") % {
                    "limit": limits.max_cell_chars
                }
            else:
                message = _(
                    'CSV として読めません。引用符（"）の閉じ忘れなどがないか確認してください。'
                )
            raise FileError(message, problems=[(number + 1, None, message)]) from error
        number += 1
        yield number, cells


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
    def __init__(
        self,
        *,
        is_ours: Callable[[list[object]], bool] = lambda headers: True,
        limits: ImportLimits | None = None,
    ):
        super().__init__()
        self.is_ours = is_ours
        self.limits = limits or ImportLimits.current()

    def create_dataset(self, in_stream: bytes) -> SheetDataset:
        from openpyxl import load_workbook

        try:
            inspect_xlsx(in_stream, self.limits, io.BytesIO(in_stream))
        except Refused as refused:
            raise FileError(refused.message) from refused
        # Past the guards a parser may still refuse the file, in many ways of its own.
        try:
            # As the library reads it: read-only, the values of formula cells.
            workbook = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
            try:
                return self._first_of_ours(workbook)
            finally:
                workbook.close()
        except FileError:
            raise
        except Exception as error:
            # ParseError, defusedxml's refusals, zlib.error, KeyError for a missing part,
            # ValueError and TypeError for values openpyxl cannot read, …: the file's fault.
            logger.info("xlsx refused by openpyxl: %s", type(error).__name__)
            raise FileError(_unreadable_xlsx()) from error

    def _first_of_ours(self, workbook) -> SheetDataset:
        # One cell past the limit, to see that a header is too wide; never the cells openpyxl
        # would otherwise pad every row with, out to the sheet's stated dimensions.
        width = self.limits.max_columns + 1
        first = None
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            rows = enumerate(sheet.iter_rows(max_col=width), start=1)
            try:
                dataset = SheetDataset.from_rows(
                    ((number, [_shown(cell) for cell in cells]) for number, cells in rows),
                    limits=self.limits,
                )
            except EmptySheet:
                continue
            dataset.title = sheet.title
            if self.is_ours(dataset.headers):
                return dataset
            first = first or dataset
        if first is None:
            raise EmptySheet
        return first


def _shown(cell) -> object:
    value = cell.value
    # 79.05% typed in Excel is stored as 0.7905 with a percent format: give back what was seen.
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and "%" in (getattr(cell, "number_format", None) or ""):
        return Decimal(repr(value)) * 100
    return value


def read_dataset(
    data: bytes,
    filename: str,
    *,
    is_ours: Callable[[list[object]], bool],
    limits: ImportLimits | None = None,
) -> tuple[SheetDataset, str]:
    """The upload as a Dataset, and its format (``"xlsx"`` or ``"csv"``)."""
    limits = limits or ImportLimits.current()
    if len(data) > limits.max_upload_bytes:
        raise FileError(too_large(limits))
    if data.startswith(b"PK\x03\x04"):
        file_format = XLSX(is_ours=is_ours, limits=limits)
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
        file_format = CSV(limits=limits)
    return file_format.create_dataset(data), file_format.get_extension()


def too_large(limits: ImportLimits | None = None) -> str:
    limits = limits or ImportLimits.current()
    return _("ファイルが大きすぎます（上限 %(size)s）。") % {"size": limits.max_upload_size}
