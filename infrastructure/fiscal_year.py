"""Japanese fiscal years (年度), in one place.

A Japanese fiscal year runs from April to March and is named after the calendar year in which
it starts: FY2013 = 平成25年度 = 1 April 2013 to 31 March 2014. Plans name years by era
(平成25年度, H25) or by Western year (2013年度); this module turns every such form into the
Western year of the start (an ``int``) and back into labels.

Era years are counted from the era's first year (元年 = 1). Plans written before an era ended
go on using it for later years (平成34年度 = FY2022 in a plan of 2015), so an era year past the
era's end is accepted and means the same Western year. 平成31年度 and 令和元年度 both name
FY2019: the fiscal year began under 平成 and the new era began a month later.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

__all__ = [
    "MAX_FISCAL_YEAR",
    "MIN_FISCAL_YEAR",
    "FiscalYearError",
    "current_fiscal_year",
    "era_label",
    "fiscal_year_label",
    "fiscal_year_of",
    "fiscal_year_short_label",
    "parse_fiscal_year",
    "reporting_reach",
    "reporting_reach_held",
    "reporting_reach_register",
    "reporting_years",
    "validate_reporting_year",
]


@dataclass(frozen=True)
class Era:
    name: str  # 平成
    letter: str  # H
    romaji: str  # Heisei
    offset: int  # Western year = offset + era year
    first_fiscal_year: int  # the first fiscal year labelled in this era


# Newest first: a fiscal year is labelled with the newest era that had begun by its start.
ERAS = (
    Era("令和", "R", "Reiwa", 2018, 2019),
    Era("平成", "H", "Heisei", 1988, 1989),
    Era("昭和", "S", "Showa", 1925, 1927),
)
_ERAS_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}

MIN_FISCAL_YEAR = ERAS[-1].first_fiscal_year
MAX_FISCAL_YEAR = 2199


class FiscalYearError(ValueError):
    """The text names no fiscal year this module understands."""


_WESTERN = re.compile(r"^(?:FY)?(?P<year>\d{4})(?:年度|年)?$", re.IGNORECASE)
_ERA = re.compile(r"^(?P<era>令和|平成|昭和|[RHS])(?P<year>\d{1,3}|元)(?:年度|年)?$", re.IGNORECASE)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and letters (Ｈ２５) into ASCII; whitespace inside is
    # layout (``平成 25 年度``), never meaning.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _check_range(year: int, original: object) -> int:
    if not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        raise FiscalYearError(
            _("年度「%(value)s」は対応範囲（%(min)s〜%(max)s年度）の外です。")
            % {"value": original, "min": MIN_FISCAL_YEAR, "max": MAX_FISCAL_YEAR}
        )
    return year


def parse_fiscal_year(value: int | str) -> int:
    """Return the Western year in which the fiscal year ``value`` starts.

    Accepts ``2013``, ``"2013"``, ``"2013年度"``, ``"FY2013"``, ``"H25"``, ``"Ｈ２５"``,
    ``"平成25年度"``, ``"R5"``, ``"令和5年度"``, ``"令和元年度"`` and the like. Raises
    :class:`FiscalYearError` for anything else.
    """
    if isinstance(value, bool):
        raise FiscalYearError(_("年度として解釈できません: %(value)s") % {"value": value})
    if isinstance(value, int):
        return _check_range(value, value)
    if not isinstance(value, str):
        raise FiscalYearError(_("年度として解釈できません: %(value)r") % {"value": value})

    text = _normalise(value)
    if match := _WESTERN.match(text):
        return _check_range(int(match["year"]), value)
    if match := _ERA.match(text):
        era = _ERAS_BY_KEY[match["era"].upper() if len(match["era"]) == 1 else match["era"]]
        era_year = 1 if match["year"] == "元" else int(match["year"])
        if era_year < 1:
            raise FiscalYearError(_("年度「%(value)s」: 元号の年は1以上です。") % {"value": value})
        return _check_range(era.offset + era_year, value)
    raise FiscalYearError(
        _(
            "年度「%(value)s」を解釈できません。2013、2013年度、H25、平成25年度、"
            "令和元年度のように入力してください。"
        )
        % {"value": value}
    )


def _era_of(year: int) -> Era:
    _check_range(year, year)
    return next(era for era in ERAS if year >= era.first_fiscal_year)


def era_label(year: int) -> str:
    """``2013`` → ``平成25年度``; ``2019`` → ``令和元年度``."""
    era = _era_of(year)
    era_year = year - era.offset
    return f"{era.name}{'元' if era_year == 1 else era_year}年度"


def fiscal_year_short_label(year: int) -> str:
    """``2013`` → ``H25``, the short form used in the plan's tables."""
    era = _era_of(year)
    return f"{era.letter}{year - era.offset}"


def fiscal_year_label(year: int, *, language: str | None = None) -> str:
    """The label shown to people: ``2013年度（平成25年度）`` or ``FY2013 (Heisei 25)``.

    The language is the active one unless given.
    """
    from django.utils import translation

    language = language or translation.get_language() or "ja"
    era = _era_of(year)
    if language.startswith("en"):
        return f"FY{year} ({era.romaji} {year - era.offset})"
    return f"{year}年度（{era_label(year)}）"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date falls in: April to March."""
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    """The fiscal year today falls in, by the city's clock (``TIME_ZONE``, Asia/Tokyo): on
    1 April at 08:00 in Japan it is already the new year, whatever the server's own zone."""
    from django.utils import timezone

    return fiscal_year_of(timezone.localdate())


# --- The fiscal years progress is reported for ---------------------------------------------
#
# The span comes from the plan and its indicators, which live in apps above this module. The
# indicators app registers the one function that knows (``IndicatorsConfig.ready``); every
# layer asks here, so the wards' records, the plan's progress and the pages agree.

_reach_provider: Callable[[], tuple[int, int] | None] | None = None
# Inside ``reporting_reach_held``: the reach, computed once for the block.
_held_reach: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "held_reach", default=None
)


def reporting_reach_register(provider: Callable[[], tuple[int, int] | None]) -> None:
    """Name the function that answers ``reporting_reach`` (called once, at start-up)."""
    global _reach_provider
    _reach_provider = provider


def reporting_reach() -> tuple[int, int] | None:
    """The first and last fiscal year progress can be reported for; None before a plan is
    loaded."""
    held = _held_reach.get()
    if held is not None:
        if not held:
            held.append(_reach_provider() if _reach_provider is not None else None)
        return held[0]
    return _reach_provider() if _reach_provider is not None else None


@contextlib.contextmanager
def reporting_reach_held():
    """Within the block the reach is computed once, not on every call: an import checks the
    year of every row, and neither the plan nor its targets change while it runs."""
    token = _held_reach.set([])
    try:
        yield
    finally:
        _held_reach.reset(token)


def reporting_years() -> list[int]:
    """The fiscal years the pages and forms offer: the plan's reach."""
    reach = reporting_reach()
    return list(range(reach[0], reach[1] + 1)) if reach else []


def validate_reporting_year(fiscal_year: int) -> None:
    """Progress is reported only for fiscal years within the plan's reach."""
    from django.core.exceptions import ValidationError

    reach = reporting_reach()
    if reach and not reach[0] <= fiscal_year <= reach[1]:
        raise ValidationError(
            {
                "fiscal_year": _(
                    "年度は計画の対象期間（%(first)s〜%(last)s）の中で入力してください。"
                )
                % {"first": fiscal_year_label(reach[0]), "last": fiscal_year_label(reach[1])}
            }
        )
