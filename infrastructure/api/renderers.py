"""CSV and xlsx for list endpoints, in the forms offices open without fuss.

CSV is UTF-8 with a BOM and CRLF line ends, so Excel in Japan opens it as it is; xlsx is a
plain workbook. Nested objects are flattened (``latest_actual.value``). Text that a
spreadsheet would run as a formula (starting with = + - @, a tab or CR) is escaped with a
leading apostrophe; numbers are written as numbers. Characters the text rule refuses
(control characters, unpaired surrogates: ``infrastructure.text.export_text``) are left out
of every cell, so a stored one never fails an export. Errors come in the requested format too.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from rest_framework.renderers import BaseRenderer

from infrastructure.text import export_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = "; ".join(
                str(v) if not isinstance(v, dict) else ", ".join(f"{k}={x}" for k, x in v.items())
                for v in value
            )
        else:
            flat[name] = value
    return flat


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return True


def escape_cell(value):
    """A cell value that cannot run as a formula, without the characters no export writes.
    Every exporter (CSV, xlsx, the report's workbook, open data, import templates) passes
    its text through here."""
    if isinstance(value, str):
        value = export_text(value)
        if value.startswith(FORMULA_STARTS) and not _is_number(value):
            return "'" + value
    return value


def _rows(data) -> tuple[list[str], list[dict]]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]  # a page (a report's own text field "results" is no page)
    if isinstance(data, dict):
        data = [data]
    rows = [flatten(item) for item in data or []]
    header: list[str] = []
    for row in rows:
        header += [key for key in row if key not in header]
    return header, rows


def _error(data) -> bool:
    return isinstance(data, dict) and "error" in data


SHIFT_JIS_NAMES = {"cp932", "shift_jis", "sjis", "windows-31j"}


class CSVRenderer(BaseRenderer):
    """UTF-8 with a BOM by default; ``?encoding=cp932`` gives Shift_JIS (CP932) for older
    Excel and office systems, with characters CP932 lacks replaced by '?'."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        text = self._text(data)
        context = renderer_context or {}
        request, response = context.get("request"), context.get("response")
        encoding = (request.query_params.get("encoding", "") if request else "").lower()
        if encoding in SHIFT_JIS_NAMES:
            if response is not None:
                response["Content-Type"] = "text/csv; charset=cp932"
            return text.encode("cp932", errors="replace")
        return ("\ufeff" + text).encode("utf-8")

    def _text(self, data) -> str:
        header, rows = _rows(data) if not _error(data) else (["error"], [flatten(data)])
        if _error(data):
            header = list(rows[0])
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([escape_cell(_cell(row.get(name))) for name in header])
        return stream.getvalue()


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook

        if _error(data):
            rows = [flatten(data)]
            header = list(rows[0])
        else:
            header, rows = _rows(data)  # no rows: a sheet with an empty header row
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "data"
        sheet.append([_xlsx_text(name) for name in header])
        for row in rows:
            sheet.append([_xlsx_cell(row.get(name)) for name in header])
        sheet.freeze_panes = "A2"
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()


def _cell(value):
    return "" if value is None else value


def _xlsx_text(text: str) -> str:
    """Text without the characters a workbook cannot hold (openpyxl refuses them)."""
    return export_text(text)


def _xlsx_cell(value):
    if isinstance(value, str):
        value = _xlsx_text(value)
    if isinstance(value, str) and _is_number(value) and value.strip() == value and value:
        number = Decimal(value)
        return (
            int(number)
            if number == number.to_integral_value() and "." not in value
            else float(number)
        )
    return escape_cell(value)
