"""An xlsx looked over before openpyxl opens it.

An xlsx is a zip of XML files, and openpyxl, even read-only, loads some of them whole (the
shared strings, the styles) and every row of a sheet at once. So a small upload can ask for
gigabytes: a 1.5 MB file whose one shared string inflates to a gigabyte, a row of millions of
empty cells, a million rows, or XML entities that expand. ``inspect_xlsx`` refuses such a
file from the zip's directory (the members' count and uncompressed sizes, which the zip
reader holds them to) and one streaming pass of expat over each XML member (constant
memory): no DOCTYPE or entity declaration anywhere, no row past Excel's last, at most
``max_rows`` rows with values in a sheet and ``max_columns`` cells with values in a row, no
shared string longer than ``max_cell_chars``.

The shared-string table is read whole by openpyxl before the first row, whether any cell
uses a string or not: 1.45 million short strings (a 4.7 MB upload) cost 325 MB. So it is
held to ``max_shared_strings`` strings and ``max_shared_strings_bytes`` of XML, the size
from the directory and the count in the expat pass, before openpyxl reads it.
"""

from __future__ import annotations

import logging
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _

from .limits import ImportLimits

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384
RATIO_FROM = 1024 * 1024  # smaller members may compress as well as they like
# Elements in any other member (workbook, styles, relationships): real files have a few
# thousand; openpyxl builds objects for each.
MAX_OTHER_ELEMENTS = 100_000
SHARED_STRINGS = "xl/sharedStrings.xml"


class Refused(Exception):
    """The file is refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def inspect_xlsx(data: bytes, limits: ImportLimits, stream) -> None:
    """Raise ``Refused`` unless the xlsx in ``stream`` (of ``data``'s size) is safe to open."""
    try:
        archive = zipfile.ZipFile(stream)
    except Exception as error:  # a damaged zip fails in many ways (BadZipFile, OSError, …)
        raise Refused(_unreadable()) from error
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_xlsx_members:
            raise Refused(
                _("xlsx ファイルの中身（%(count)s 個）が多すぎます（上限 %(limit)s 個）。")
                % {"count": len(members), "limit": limits.max_xlsx_members}
            )
        total = sum(member.file_size for member in members)
        if total > limits.max_xlsx_bytes:
            raise Refused(
                _(
                    "xlsx ファイルを展開すると大きすぎます（%(size)s MB、上限 %(limit)s MB）。"
                    "行や列を減らすか、CSV で保存してください。"
                )
                % {"size": f"{total / (1024 * 1024):.0f}", "limit": limits.max_xlsx_mb}
            )
        for member in members:
            if member.filename == SHARED_STRINGS and (
                member.file_size > limits.max_shared_strings_bytes
            ):
                raise Refused(
                    _(
                        "xlsx ファイルの共有文字列（%(member)s）が大きすぎます（%(size)s MB、"
                        "上限 %(limit)s MB）。%(advice)s"
                    )
                    % {
                        "member": SHARED_STRINGS,
                        "size": f"{member.file_size / (1024 * 1024):.1f}",
                        "limit": f"{limits.max_shared_strings_bytes / (1024 * 1024):g}",
                        "advice": _shared_strings_advice(),
                    }
                )
            if member.file_size > RATIO_FROM and member.file_size > limits.max_xlsx_ratio * max(
                member.compress_size, 1
            ):
                raise Refused(
                    _("xlsx ファイルの圧縮率が異常です（展開すると %(ratio)s 倍）。")
                    % {"ratio": member.file_size // max(member.compress_size, 1)}
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                _scan(archive, member, limits)


def _unreadable() -> str:
    return _("xlsx ファイルとして読めません。壊れていないか確認してください。")


def _shared_strings_advice() -> str:
    return _(
        "使われていない文字列が残っている可能性があります。シートの値を新しいブックに"
        "貼り付けて保存し直すか、CSV で保存してください。"
    )


def _too_many_rows(limits: ImportLimits) -> str:
    return _("行が多すぎます（上限 %(limit)s 行）。ファイルを分けて取り込んでください。") % {
        "limit": limits.max_rows
    }


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ImportLimits) -> None:
    name = member.filename
    if name.startswith("xl/worksheets/"):
        scanner = _Sheet(limits)
    elif name == SHARED_STRINGS:
        scanner = _SharedStrings(limits)
    else:
        scanner = _Other()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.text
    try:
        with archive.open(member) as source:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Refused:
        raise
    except Exception as error:
        # Bad XML (ExpatError), a member that inflates past the size its directory entry
        # declared (BadZipFile: CRC), damaged deflate data (zlib.error), a compression method
        # or encryption the zip reader lacks (NotImplementedError, RuntimeError), …
        logger.info("xlsx refused: %s in %s", type(error).__name__, member.filename)
        raise Refused(_unreadable()) from error


def _no_doctype(*args) -> None:
    raise Refused(
        _("xlsx ファイルに DOCTYPE・エンティティ宣言が含まれています。安全のため取り込めません。")
    )


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


class _Other:
    def __init__(self):
        self.elements = 0

    def start(self, tag, attributes):
        self.elements += 1
        if self.elements > MAX_OTHER_ELEMENTS:
            raise Refused(_unreadable())

    def end(self, tag):
        pass

    def text(self, data):
        pass


class _Sheet:
    def __init__(self, limits: ImportLimits):
        self.limits = limits
        self.rows_with_values = 0
        self.cells = 0  # cells in the current row
        self.values = 0  # cells with a value in the current row
        self.row_has_value = False
        self.in_cell = False

    def start(self, tag, attributes):
        tag = _local(tag)
        if tag == "row":
            self.cells = self.values = 0
            self.row_has_value = False
            number = attributes.get("r")
            if number is not None and (not number.isdigit() or int(number) > EXCEL_MAX_ROW):
                raise Refused(_unreadable())
        elif tag == "c":
            self.cells += 1
            self.in_cell = True
            if self.cells > EXCEL_MAX_COLUMN:
                raise Refused(_unreadable())
        elif tag in {"v", "is"} and self.in_cell:
            self.values += 1
            if self.values > self.limits.max_columns:
                raise Refused(
                    _("列が多すぎます（上限 %(limit)s 列）。") % {"limit": self.limits.max_columns}
                )
            if not self.row_has_value:
                self.row_has_value = True
                self.rows_with_values += 1
                # The header row may come on top of max_rows data rows.
                if self.rows_with_values > self.limits.max_rows + 1:
                    raise Refused(_too_many_rows(self.limits))

    def end(self, tag):
        if _local(tag) == "c":
            self.in_cell = False

    def text(self, data):
        pass


class _SharedStrings:
    def __init__(self, limits: ImportLimits):
        self.limits = limits
        self.length = 0
        self.strings = 0
        self.in_text = False

    def start(self, tag, attributes):
        tag = _local(tag)
        if tag == "si":
            self.length = 0
            self.strings += 1
            if self.strings > self.limits.max_shared_strings:
                raise Refused(
                    _(
                        "xlsx ファイルの共有文字列（%(member)s）が多すぎます（%(limit)s 個を"
                        "超えています）。%(advice)s"
                    )
                    % {
                        "member": SHARED_STRINGS,
                        "limit": f"{self.limits.max_shared_strings:,}",
                        "advice": _shared_strings_advice(),
                    }
                )
        elif tag == "t":
            self.in_text = True

    def end(self, tag):
        if _local(tag) == "t":
            self.in_text = False

    def text(self, data):
        if self.in_text:
            self.length += len(data)
            if self.length > self.limits.max_cell_chars:
                raise Refused(
                    _("文字数が上限（%(limit)s 文字）を超えるセルがあります。")
                    % {"limit": self.limits.max_cell_chars}
                )
