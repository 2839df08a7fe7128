"""The two sheets ward staff exchange with the system.

Their columns are declared once, as the fields of a django-import-export ``ModelResource``
(``resources.IndicatorValueResource``, ``resources.InitiativeProgressResource``), which the
import, the template and the export all use. Here: which sheet a file is, and its title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

INDICATOR_VALUE = "indicator_value"
INITIATIVE_PROGRESS = "initiative_progress"


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: Promise
    model_label: str
    resource_path: str

    @property
    def resource_class(self):
        return import_string(self.resource_path)


INDICATOR_SHEET = Sheet(
    kind=INDICATOR_VALUE,
    title=_("指標の値"),
    model_label="indicators.IndicatorValue",
    resource_path="kumamoto_welfare.imports.resources.IndicatorValueResource",
)
PROGRESS_SHEET = Sheet(
    kind=INITIATIVE_PROGRESS,
    title=_("取組の進捗"),
    model_label="programs.InitiativeProgress",
    resource_path="kumamoto_welfare.imports.resources.InitiativeProgressResource",
)

SHEETS = {sheet.kind: sheet for sheet in (INDICATOR_SHEET, PROGRESS_SHEET)}


def normalise_header(text: object) -> str:
    """Headers compare without case, width or spaces: ``Fiscal Year`` = ``fiscal_year``."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s_]+", "", text).lower()


def detect_sheet(headers: list[object]) -> Sheet | None:
    """The sheet whose key column (指標コード / 取組コード) the headers contain."""
    for sheet in SHEETS.values():
        if sheet.resource_class.is_ours(headers):
            return sheet
    return None
