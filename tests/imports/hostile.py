"""Files built to hurt the server: zip bombs, XML with entities, millions of rows, huge cells.

Shared by the tests of the refusals (``test_hostile_files.py``) and of the memory they cost
(``test_memory.py``, which writes the big ones to disk and imports them in a subprocess).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.imports.files import INDICATOR_HEADERS, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
GOOD_ROW = ["KPI-3-1", "", "中央区", "2015", "実績", "100", "note"]


def base_xlsx() -> bytes:
    return xlsx_bytes([INDICATOR_HEADERS, GOOD_ROW])


def rewrite(data: bytes, replacements: dict[str, object]) -> bytes:
    """The xlsx ``data`` with members replaced: a callable takes the old bytes, anything else
    is the new content; names not in the archive are added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            body = source.read(name)
            change = replacements.get(name)
            if callable(change):
                body = change(body)
            elif change is not None:
                body = change
            target.writestr(name, body)
        for name, body in replacements.items():
            if name not in names and not callable(body):
                target.writestr(name, body)
    return out.getvalue()


def in_sheet(old: bytes, new: bytes, data: bytes | None = None) -> bytes:
    return rewrite(data or base_xlsx(), {SHEET: lambda body: body.replace(old, new, 1)})


def _declare_shared_strings(data: bytes) -> dict[str, object]:
    """The members to change so that cell G2 (備考) is shared string 0."""
    return {
        SHEET: lambda body: body.replace(
            b'<c r="G2" t="inlineStr"><is><t>note</t></is></c>', b'<c r="G2" t="s"><v>0</v></c>'
        ),
        "[Content_Types].xml": lambda body: body.replace(
            b"</Types>",
            f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}"/></Types>'.encode(),
        ),
        "xl/_rels/workbook.xml.rels": lambda body: body.replace(
            b"</Relationships>",
            f'<Relationship Id="rIdS" Type="{STRINGS_REL}" Target="sharedStrings.xml"/>'
            "</Relationships>".encode(),
        ),
    }


def with_shared_string(text: str) -> bytes:
    """The base sheet with its 備考 cell as one shared string ``text`` (XML-escaped already)."""
    data = base_xlsx()
    body = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    return rewrite(data, {**_declare_shared_strings(data), STRINGS: body.encode()})


def shared_string_bomb(path: Path, *, inflated: int) -> Path:
    """An xlsx whose one shared string is ``inflated`` bytes of 'A', streamed to ``path``
    (1.5 MB on disk for 1.5 GB inflated: deflate packs a run about 1,000 to 1)."""
    data = base_xlsx()
    changes = _declare_shared_strings(data)
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            body = source.read(name)
            if name in changes:
                body = changes[name](body)
            target.writestr(name, body)
        with target.open(STRINGS, "w", force_zip64=True) as member:
            member.write(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
            member.write(b"</t></si></sst>")
    return path


def many_shared_strings(count: int, path: Path | None = None) -> bytes | Path:
    """The base sheet, its 備考 cell shared string 0 ("note"), and ``count`` - 1 more short
    strings no cell uses (``0`` … ``vxyz``: at most four characters, base 36), streamed.
    1,450,000 of them are the file of issue 18, item 10: 29 MB of XML in a 4.7 MB upload,
    which openpyxl read whole at 325 MB."""
    data = base_xlsx()
    changes = _declare_shared_strings(data)
    source = zipfile.ZipFile(io.BytesIO(data))
    target_file = path if path is not None else io.BytesIO()
    with zipfile.ZipFile(target_file, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            body = source.read(name)
            if name in changes:
                body = changes[name](body)
            target.writestr(name, body)
        with target.open(STRINGS, "w", force_zip64=True) as member:
            member.write(
                f'<sst xmlns="{MAIN}" count="1" uniqueCount="{count}"><si><t>note</t></si>'.encode()
            )
            batch = []
            for number in range(1, count):
                batch.append(f"<si><t>{_base36(number)}</t></si>")
                if len(batch) == 10_000:
                    member.write("".join(batch).encode())
                    batch.clear()
            member.write("".join(batch).encode() + b"</sst>")
    return path if path is not None else target_file.getvalue()


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if number == 0:
            return digits


def many_rows_xlsx(rows: int, path: Path | None = None) -> bytes | Path:
    """A sheet of the indicator headers and ``rows`` rows of one number each, as small as
    XML allows (3 million rows fit in a few hundred KB)."""
    head, tail = _sheet_around_data()
    header = (
        '<row r="1">'
        + "".join(
            f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
            for i, h in enumerate(INDICATOR_HEADERS)
        )
        + "</row>"
    ).encode()
    data = base_xlsx()
    source = zipfile.ZipFile(io.BytesIO(data))
    target_file = path if path is not None else io.BytesIO()
    with zipfile.ZipFile(target_file, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name != SHEET:
                target.writestr(name, source.read(name))
        with target.open(SHEET, "w", force_zip64=True) as member:
            member.write(head + header)
            batch = b"<row><c><v>1</v></c></row>" * 10_000
            for _ in range(rows // 10_000):
                member.write(batch)
            member.write(b"<row><c><v>1</v></c></row>" * (rows % 10_000))
            member.write(tail)
    return path if path is not None else target_file.getvalue()


def _sheet_around_data() -> tuple[bytes, bytes]:
    body = zipfile.ZipFile(io.BytesIO(base_xlsx())).read(SHEET)
    start = body.index(b"<sheetData>") + len(b"<sheetData>")
    end = body.index(b"</sheetData>")
    head = body[:start].replace(b'<dimension ref="A1:G2" />', b"")
    return head, body[end:]


def lying_about_its_size(data: bytes, member: str, declared: int) -> bytes:
    """``data`` with ``member``'s uncompressed size in the zip's directory set to
    ``declared``: a bomb that hides its size from a check of the directory."""
    import struct

    name = member.encode()
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name:
            return data[: position + 24] + struct.pack("<I", declared) + data[position + 28 :]
        position += 4
    raise ValueError(f"{member} not in the archive")
