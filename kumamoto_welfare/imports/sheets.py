"""The two sheets ward staff exchange with the system, column by column.

One description serves the import (which header names a column, which columns are
required), the template (headers and the instructions sheet) and the export (the same layout,
so an export can be edited and imported again).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INDICATOR_VALUE = "indicator_value"
INITIATIVE_PROGRESS = "initiative_progress"


@dataclass(frozen=True)
class Column:
    key: str  # the name in code
    ja: str  # the Japanese header, as templates and exports write it
    en: str  # the English header, accepted on import
    required: bool
    help: Promise  # for the instructions sheet; Japanese, with an English translation


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: Promise
    columns: tuple[Column, ...]
    model_label: str

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def key_column(self) -> str:
        return self.columns[0].key


_YEAR_HELP = _(
    "年度。2013、2013年度、H25、平成25年度、令和5年度、全角数字のいずれでも入力できます。"
)
_INFORMATIONAL = _("参考のための列で、取り込みでは使いません。")
_COUNT_HELP = _("0以上の整数。")
_WARD_HELP = _("区の名前（例：中央区）。空欄は市全体（計画担当のみ）。")
_STATUS_HELP = _(
    "状態。空欄は下書き。提出済み・承認済みにするには、その操作の権限が必要です"
    "（区職員は提出まで）。"
)

INDICATOR_SHEET = Sheet(
    kind=INDICATOR_VALUE,
    title=_("指標の値"),
    model_label="indicators.IndicatorValue",
    columns=(
        Column(
            "indicator", "指標コード", "indicator", True, _("成果指標のコード（例：KPI-1-1）。")
        ),
        Column("name", "指標名", "name", False, _INFORMATIONAL),
        Column("ward", "区", "ward", True, _WARD_HELP),
        Column("fiscal_year", "年度", "fiscal_year", True, _YEAR_HELP),
        Column("kind", "種別", "kind", False, _("実績（空欄も実績）、目標、基準値のいずれか。")),
        Column(
            "value",
            "値",
            "value",
            True,
            _("数値。桁区切りのカンマ、末尾の％、▲・△（マイナス）、全角数字が使えます。"),
        ),
        Column(
            "note", "備考", "note", False, _("前年度から50%を超えて変わった値には理由を書きます。")
        ),
        Column("status", "状態", "status", False, _STATUS_HELP),
    ),
)

PROGRESS_SHEET = Sheet(
    kind=INITIATIVE_PROGRESS,
    title=_("取組の進捗"),
    model_label="programs.InitiativeProgress",
    columns=(
        Column(
            "subject",
            "取組コード",
            "initiative",
            True,
            _("取組施策のコード（例：1-2-1、2-3）。取組施策のない項目は項目のコード（例：4-1）。"),
        ),
        Column("title", "取組名", "title", False, _INFORMATIONAL),
        Column("ward", "区", "ward", True, _WARD_HELP),
        Column("fiscal_year", "年度", "fiscal_year", True, _YEAR_HELP),
        Column(
            "state",
            "進捗",
            "state",
            False,
            _("未着手（空欄も未着手）、実施中、完了、遅延のいずれか。"),
        ),
        Column("results", "実績", "results", False, _("その年度に行ったこと。")),
        Column("issues", "課題", "issues", False, _("見えてきた課題。")),
        Column("next_steps", "次年度の方針", "next_steps", False, _("次の年度の進め方。")),
        Column("events_held", "開催回数", "events_held", False, _COUNT_HELP),
        Column("participants", "参加者数", "participants", False, _COUNT_HELP),
        Column(
            "trainees",
            "養成者数",
            "trainees",
            False,
            _("0以上の整数（例：認知症サポーターの養成数）。"),
        ),
        Column("status", "状態", "status", False, _STATUS_HELP),
    ),
)

SHEETS = {sheet.kind: sheet for sheet in (INDICATOR_SHEET, PROGRESS_SHEET)}


def normalise_header(text: object) -> str:
    """Headers compare without case, width or spaces: ``Fiscal Year`` = ``fiscal_year``."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s_]+", "", text).lower()


def _names(column: Column) -> set[str]:
    return {normalise_header(column.ja), normalise_header(column.en)}


def detect_sheet(headers: list[object]) -> Sheet | None:
    """The sheet whose key column (指標コード / 取組コード) the headers contain."""
    present = {normalise_header(h) for h in headers}
    for sheet in SHEETS.values():
        if _names(sheet.columns[0]) & present:
            return sheet
    return None


def match_columns(sheet: Sheet, headers: list[object]) -> tuple[dict[str, int], dict[str, str]]:
    """``({key: index}, {key: header as written in the file})`` for the columns present."""
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for index, header in enumerate(headers):
        name = normalise_header(header)
        if not name:
            continue
        for column in sheet.columns:
            if column.key not in positions and name in _names(column):
                positions[column.key] = index
                written[column.key] = str(header).strip()
    return positions, written
