"""Importing school districts and directory entries from xlsx or CSV, all or nothing.

The whole file runs in one transaction, each row in a savepoint, so every bad row is reported
(row as the spreadsheet numbers it, column as headed in the file, and why) and then nothing
is written; a dry run reports the same and writes nothing either. Rows go through the same
services and the same policy as entries made by hand.

Reading the file is ``read_table`` alone: the shared import machinery of the progress
imports (``kumamoto_welfare.imports.reading``, branch ``import``) can replace it once it is
on main — it does the same (xlsx by content, CSV as UTF-8 with or without a BOM or CP932).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kumamoto_welfare.workflow import VersionConflict

from .models import CommunityResource, LifeStage, OrganisationType, SchoolDistrict, Ward
from .services import community_resource_create, community_resource_update, school_district_save

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class FileError(Exception):
    """The file as a whole cannot be read."""


@dataclass
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [_("%(row)s行目") % {"row": self.row}] if self.row else []
        if self.column:
            where.append(_("「%(column)s」列") % {"column": self.column})
        return f"{' '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the data rows ``(row number, cells)`` of an xlsx or CSV file (UTF-8,
    with or without BOM, or CP932); blank rows are skipped but keep their numbers."""
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise FileError(_("xlsx ファイルとして読めません。")) from error
        rows = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    else:
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileError(
                _("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存してください。")
            )
        rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
    rows = [(n, list(cells)) for n, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        raise FileError(_("ファイルにデータがありません。"))
    header = [_text(c) for c in rows[0][1]]
    return header, rows[1:]


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return text[1:] if text.startswith("'") and text[1:2] in "=+-@" else text


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _columns(header: list[str], names: dict[str, tuple[str, ...]], required: set[str]):
    """{field: (index, header as written)}; missing required columns are file errors."""
    found = {}
    for index, heading in enumerate(header):
        for name, aliases in names.items():
            if _key(heading).lower() in {_key(a).lower() for a in aliases} and name not in found:
                found[name] = (index, heading)
    missing = [names[n][0] for n in names if n in required and n not in found]
    if missing:
        raise FileError(_("必要な列がありません：%(columns)s") % {"columns": "、".join(missing)})
    return found


def _run(rows, handle_row, *, dry_run: bool) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        for number, cells in rows:
            try:
                with transaction.atomic():
                    outcome = handle_row(number, cells)
            except _CellError as error:
                result.errors.append(RowError(number, error.column, error.message))
            except (ValidationError, PermissionDenied, VersionConflict) as error:
                result.errors += _row_errors(number, error)
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
        if result.errors or dry_run:
            transaction.set_rollback(True)  # nothing is written; on_commit tasks are dropped
    return result


class _CellError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def _row_errors(number: int, error: Exception) -> list[RowError]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            RowError(number, None if name == "__all__" else name, " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    if isinstance(error, ValidationError):
        return [RowError(number, None, " ".join(error.messages))]
    return [RowError(number, None, str(error))]


def _ward(cell: str, column: str, wards: dict[str, Ward], *, required: bool) -> Ward | None:
    if not cell:
        if required:
            raise _CellError(column, _("区を入力してください。"))
        return None
    ward = wards.get(_key(cell)) or wards.get(_key(cell).lower())
    if ward is None:
        raise _CellError(column, _("「%(value)s」という区はありません。") % {"value": cell})
    return ward


def _ward_index() -> dict[str, Ward]:
    index = {}
    for ward in Ward.objects.all():
        index.update({ward.name: ward, ward.code: ward, _key(ward.name_en).lower(): ward})
    return index


# --- School districts --------------------------------------------------------------------

DISTRICT_COLUMNS = {
    "code": ("校区コード", "code"),
    "name": ("校区名", "name"),
    "ward": ("区", "ward"),
}


def import_school_districts(
    *, data: bytes, filename: str, user: AbstractBaseUser | None, dry_run: bool = False
) -> ImportResult:
    """Create or update school districts from a file with the columns 校区コード, 校区名, 区
    (or code, name, ward). Districts not in the file are left as they are."""
    try:
        header, rows = read_table(data, filename)
        columns = _columns(header, DISTRICT_COLUMNS, set(DISTRICT_COLUMNS))
    except FileError as error:
        return ImportResult(dry_run=dry_run, errors=[RowError(None, None, str(error))])
    wards = _ward_index()
    seen: dict[str, int] = {}

    def handle(number: int, cells: list) -> str:
        value = {
            name: _text(cells[i]) if i < len(cells) else "" for name, (i, _h) in columns.items()
        }
        for name in ("code", "name"):
            if not value[name]:
                raise _CellError(columns[name][1], _("空欄です。"))
        code = _key(value["code"])
        if code in seen:
            raise _CellError(
                columns["code"][1],
                _("校区コード「%(code)s」は%(row)s行目にもあります。")
                % {"code": code, "row": seen[code]},
            )
        seen[code] = number
        ward = _ward(value["ward"], columns["ward"][1], wards, required=True)
        existed = SchoolDistrict.objects.filter(code=code).exists()
        _district, written = school_district_save(
            user=user, code=code, name=value["name"], ward=ward
        )
        return "unchanged" if not written else "updated" if existed else "created"

    return _run(rows, handle, dry_run=dry_run)


# --- The directory -------------------------------------------------------------------------

RESOURCE_COLUMNS = {
    "id": ("id", "ID"),
    "name": ("名称", "name"),
    "organisation_type": ("種類", "organisation_type", "organisation_type_name"),
    "ward": ("区", "ward"),
    "school_district": ("小学校区", "school_district"),
    "address": ("所在地", "address"),
    "phone": ("電話番号", "phone"),
    "website": ("ウェブサイト", "website"),
    "opening_notes": ("開所日・時間など", "opening_notes"),
    "description": ("説明", "description"),
    "consultation": ("相談窓口", "consultation"),
    "life_stages": ("ライフステージ", "life_stages"),
    "pillars": ("施策", "pillars"),
}
TRUE = {"true", "1", "yes", "はい", "○", "〇", "有", "あり"}
FALSE = {"false", "0", "no", "いいえ", "×", "無", "なし", ""}
LIST_SEPARATORS = re.compile(r"[;；、,，/／]+")


def import_community_resources(
    *, data: bytes, filename: str, user: AbstractBaseUser, dry_run: bool = False
) -> ImportResult:
    """Create directory entries, or update those named in an ``id`` column (the API's CSV
    and xlsx exports re-import as they are). Entries not in the file are left alone."""
    try:
        header, rows = read_table(data, filename)
        columns = _columns(header, RESOURCE_COLUMNS, {"name", "organisation_type"})
    except FileError as error:
        return ImportResult(dry_run=dry_run, errors=[RowError(None, None, str(error))])
    wards = _ward_index()
    types = {}
    for kind in OrganisationType.objects.all():
        types.update({kind.code: kind, _key(kind.name): kind})
    stages = {}
    for stage in LifeStage.objects.all():
        stages.update({stage.code: stage, _key(stage.name): stage})
    from programs.models import Pillar

    pillars = {str(p.number): p for p in Pillar.objects.all()}

    def cell(cells, name):
        if name not in columns:
            return None
        index = columns[name][0]
        return _text(cells[index]) if index < len(cells) else ""

    def many(cells, name, index, what):
        text = cell(cells, name)
        if text is None:
            return None
        items = [_key(t) for t in LIST_SEPARATORS.split(text) if t.strip()]
        unknown = [t for t in items if t not in index and t.lower() not in index]
        if unknown:
            raise _CellError(
                columns[name][1],
                _("「%(value)s」という%(what)sはありません。")
                % {"value": unknown[0], "what": what},
            )
        return [index.get(t) or index[t.lower()] for t in items]

    def handle(number: int, cells: list) -> str:
        fields = {}
        for name in ("name", "address", "phone", "website", "opening_notes", "description"):
            if (value := cell(cells, name)) is not None:
                fields[name] = value
        kind = cell(cells, "organisation_type")
        fields["organisation_type"] = types.get(kind) or types.get(_key(kind))
        if fields["organisation_type"] is None:
            raise _CellError(
                columns["organisation_type"][1],
                _("「%(value)s」という種類はありません。") % {"value": kind},
            )
        if (value := cell(cells, "ward")) is not None:
            fields["ward"] = _ward(value, columns["ward"][1], wards, required=False)
        if (value := cell(cells, "school_district")) is not None:
            fields["school_district"] = None
            if value:
                fields["school_district"] = SchoolDistrict.objects.filter(code=_key(value)).first()
                if fields["school_district"] is None:
                    raise _CellError(
                        columns["school_district"][1],
                        _("「%(value)s」という小学校区はありません。") % {"value": value},
                    )
        if (value := cell(cells, "consultation")) is not None:
            if _key(value).lower() not in TRUE | FALSE:
                raise _CellError(columns["consultation"][1], _("はい／いいえ で入力してください。"))
            fields["consultation"] = _key(value).lower() in TRUE
        life_stages = many(cells, "life_stages", stages, _("ライフステージ"))
        pillar_list = many(cells, "pillars", pillars, _("施策"))

        record_id = cell(cells, "id")
        if not record_id:
            community_resource_create(
                user=user, life_stages=life_stages or [], pillars=pillar_list or [], **fields
            )
            return "created"
        record = CommunityResource.objects.filter(
            pk=int(record_id) if record_id.isdigit() else 0
        ).first()
        if record is None:
            raise _CellError(
                columns["id"][1], _("id %(id)s の記録はありません。") % {"id": record_id}
            )
        changes = {k: v for k, v in fields.items() if getattr(record, k) != v}
        same_stages = life_stages is None or {s.pk for s in life_stages} == set(
            record.life_stages.values_list("pk", flat=True)
        )
        same_pillars = pillar_list is None or {p.pk for p in pillar_list} == set(
            record.pillars.values_list("pk", flat=True)
        )
        if not changes and same_stages and same_pillars:
            return "unchanged"  # nothing to write, so nothing to refuse (e.g. a plan entry)
        community_resource_update(
            user=user,
            record=record,
            expected_version=None,
            life_stages=None if same_stages else life_stages,
            pillars=None if same_pillars else pillar_list,
            **changes,
        )
        return "updated"

    return _run(rows, handle, dry_run=dry_run)
