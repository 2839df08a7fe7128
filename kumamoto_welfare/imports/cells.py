"""Reading one spreadsheet cell: numbers as offices type them, fiscal years, plain text.

Numbers are normalised explicitly, and only in numeric cells: NFKC turns full-width digits
into ASCII (but would also turn ① into 1, so text cells are left alone), thousands separators
and a trailing ％ are dropped, and the Japanese negative marks ▲ △ and the dashes Excel and
IMEs produce (− ‐ ‑ –) become '-'. Anything else that is not a plain decimal is an error.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from kumamoto_welfare.api.renderers import FORMULA_STARTS
from kumamoto_welfare.fiscal_year import FiscalYearError, parse_fiscal_year


class CellError(ValueError):
    """The cell cannot be read as what its column holds; the message says why."""


_NEGATIVE_MARKS = str.maketrans(dict.fromkeys("▲△−‐‑–", "-"))
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_number(cell: object) -> Decimal | None:
    """``'▲1,234.5'`` → ``Decimal('-1234.5')``; ``'79.05％'`` → ``Decimal('79.05')``;
    a blank cell → None."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        raise CellError(_("「%(value)s」は数値として読めません。") % {"value": cell})
    if isinstance(cell, Decimal | int):
        return Decimal(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise CellError(_("「%(value)s」は数値として読めません。") % {"value": cell})
        return Decimal(repr(cell))
    text = unicodedata.normalize("NFKC", str(cell)).translate(_NEGATIVE_MARKS)
    text = re.sub(r"\s+", "", text).replace(",", "")
    text = text.removesuffix("%")
    if not _NUMBER.match(text):
        raise CellError(_("「%(value)s」は数値として読めません。") % {"value": cell})
    return Decimal(text)


def parse_count(cell: object) -> int | None:
    """A count of events, people …: a whole number, zero or more."""
    number = parse_number(cell)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise CellError(_("「%(value)s」：0以上の整数で入力してください。") % {"value": cell})
    return int(number)


def parse_year(cell: object) -> int:
    """Any form ``parse_fiscal_year`` accepts; a number typed in Excel arrives as a float."""
    if isinstance(cell, float) and cell == int(cell):
        cell = int(cell)
    if isinstance(cell, datetime.date):
        raise CellError(
            _("年度「%(value)s」が日付になっています。2013 や 令和5年度 のように入力してください。")
            % {"value": cell}
        )
    try:
        return parse_fiscal_year(cell if isinstance(cell, int) else str(cell).strip())
    except FiscalYearError as error:
        raise CellError(str(error)) from error


def cell_text(cell: object) -> str:
    """A text cell as a string: trimmed, numbers without a stray '.0', and the apostrophe our
    exports put before formula-like text taken off again, so an export re-imports as it was."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def key_text(cell: object) -> str:
    """A code or a choice label as typed: NFKC (full-width letters and digits), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(cell)))
