"""The sheets ward staff exchange with the system, as the apps register them.

Their columns are declared once, as the fields of a django-import-export ``ModelResource``
(``indicators.resources.IndicatorValueResource``,
``programs.resources.InitiativeProgressResource``), which the import, the template and the
export all use. Here: the registry, which sheet a file is, and its title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Sheet:
    """A sheet staff exchange with the system: its kind (the admin's ``import_sheet``), its
    title, the model its rows are, the resource that declares its columns, and the stem of its
    export's file name.

    ``detected``: ``run_import`` without a kind (``import_progress``) recognises a file as
    this sheet by its headers. The community's sheets (school districts, the directory) are
    not: their key columns (校区コード, 名称) are too plain to tell a file by, so they are read
    only where they are named (their admin page, their command, an import job of their
    kind). ``template_and_export``: the admin offers a template and an export of it (the
    community's sheets have neither; the API's CSV and xlsx are their export)."""

    kind: str
    title: Promise
    model_label: str
    resource_class: type
    file_name: str
    detected: bool = True
    template_and_export: bool = True


#: The sheets, by kind. Each app registers its own (``sheet_register`` in ``AppConfig.ready``):
#: this engine knows no sheet of its own.
SHEETS: dict[str, Sheet] = {}


def sheet_register(sheet: Sheet) -> Sheet:
    SHEETS[sheet.kind] = sheet
    return sheet


def normalise_header(text: object) -> str:
    """Headers compare without case, width or spaces: ``Fiscal Year`` = ``fiscal_year``."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s_]+", "", text).lower()


def detect_sheet(headers: list[object]) -> Sheet | None:
    """The sheet whose key column (指標コード / 取組コード) the headers contain."""
    for sheet in SHEETS.values():
        if sheet.detected and sheet.resource_class.is_ours(headers):
            return sheet
    return None
