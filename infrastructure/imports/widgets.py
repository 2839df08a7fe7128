"""django-import-export widgets for the cells ward offices type: one widget per kind of cell.

A widget's ``clean`` turns a cell into a Python value or raises ``ValueError`` with the reason
in the user's language (the library files it under the field, we under the column); its
``render`` gives the export's value: numbers stay numbers, choices read as their Japanese
labels. Lookups (indicators, initiatives and sections, wards) are read once per import, on
the first row that needs them, never per row.

Numbers are normalised explicitly, and only in numeric cells: NFKC turns full-width digits
into ASCII (but would also turn ① into 1, so text cells are left alone), thousands separators
and a trailing ％ are dropped, and the Japanese negative marks ▲ △ and the dashes Excel and
IMEs produce (− ‐ ‑ –) become '-'. The library's ``DecimalWidget`` accepts none of these but
full-width digits (docs/imports.md).
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export.widgets import Widget

from infrastructure.api.renderers import FORMULA_STARTS
from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year
from infrastructure.punctuation import joined


class CellError(ValueError):
    """The cell cannot be read as what its column holds; the message says why."""


# --- reading one cell ----------------------------------------------------------------------

_NEGATIVE_MARKS = str.maketrans(dict.fromkeys("▲△−‐‑–", "-"))
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


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


def parse_number(cell: object) -> Decimal | None:
    """``'▲1,234.5'`` → ``Decimal('-1234.5')``; ``'79.05％'`` → ``Decimal('79.05')``;
    a blank cell → None."""
    if is_blank(cell):
        return None
    unreadable = CellError(_("「%(value)s」は数値として読めません。") % {"value": cell})
    if isinstance(cell, bool):
        raise unreadable
    if isinstance(cell, Decimal | int):
        return Decimal(cell)
    if isinstance(cell, float):
        if not math.isfinite(cell):
            raise unreadable
        return Decimal(repr(cell))
    text = unicodedata.normalize("NFKC", str(cell)).translate(_NEGATIVE_MARKS)
    text = re.sub(r"\s+", "", text).replace(",", "").removesuffix("%")
    if not _NUMBER.match(text):
        raise unreadable
    return Decimal(text)


def export_number(value: Decimal | int | None) -> int | float | None:
    """A number as a spreadsheet holds it: ``Decimal('1234.5000')`` → ``1234.5``."""
    if value is None or isinstance(value, int):
        return value
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


# --- widgets -------------------------------------------------------------------------------


class CellWidget(Widget):
    """Renders values as they are (numbers as numbers), not as strings."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def render(self, value, obj=None, **kwargs):
        return value


class TextWidget(CellWidget):
    """Text as typed (trimmed); ``blank_message`` makes the cell required."""

    def __init__(self, *, blank_message: Promise | None = None):
        super().__init__()
        self.blank_message = blank_message

    def clean(self, value, row=None, **kwargs) -> str:
        text = self.read(value)
        if not text and self.blank_message:
            raise CellError(str(self.blank_message))
        return text

    def read(self, value) -> str:
        return cell_text(value)


class CodeWidget(TextWidget):
    """A code as typed: full-width letters and digits made ASCII, no spaces (``key_text``)."""

    def read(self, value) -> str:
        return key_text(value)


class RecordIdWidget(CellWidget):
    """The id of an existing record, as the API's exports write it; blank: a new record."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit():
            raise CellError(_("id %(id)s の記録はありません。") % {"id": text})
        return int(text)


class YesNoWidget(CellWidget):
    """はい / いいえ (also ○ ×, あり なし, yes no, true false, 1 0); blank is no."""

    YES = frozenset({"true", "1", "yes", "y", "はい", "○", "〇", "有", "あり"})
    NO = frozenset({"false", "0", "no", "n", "いいえ", "×", "無", "なし", ""})

    def clean(self, value, row=None, **kwargs) -> bool:
        if isinstance(value, bool):
            return value
        text = key_text(value).lower()
        if text not in self.YES | self.NO:
            raise CellError(_("はい／いいえ で入力してください。"))
        return text in self.YES

    def render(self, value, obj=None, **kwargs):
        return "はい" if value else "いいえ"


class NumberWidget(CellWidget):
    """A decimal; ``blank_message`` makes the cell required."""

    def __init__(self, *, blank_message: Promise | None = None):
        super().__init__()
        self.blank_message = blank_message

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        number = parse_number(value)
        if number is None and self.blank_message:
            raise CellError(str(self.blank_message))
        return number

    def render(self, value, obj=None, **kwargs):
        return export_number(value)


class CountWidget(CellWidget):
    """A count of events, people …: a whole number, zero or more."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        number = parse_number(value)
        if number is None:
            return None
        if number < 0 or number != number.to_integral_value():
            raise CellError(_("「%(value)s」：0以上の整数で入力してください。") % {"value": value})
        return int(number)


class FiscalYearWidget(CellWidget):
    """Any form ``parse_fiscal_year`` accepts: 2013, 2013年度, H25, 平成25年度, 令和元年度."""

    def clean(self, value, row=None, **kwargs) -> int:
        if isinstance(value, float) and value == int(value):  # a number typed in Excel
            value = int(value)
        if isinstance(value, datetime.date):
            raise CellError(
                _(
                    "年度「%(value)s」が日付になっています。2013 や 令和5年度 のように"
                    "入力してください。"
                )
                % {"value": value}
            )
        try:
            return parse_fiscal_year(value if isinstance(value, int) else str(value).strip())
        except FiscalYearError as error:
            raise CellError(str(error)) from error


class ChoiceWidget(CellWidget):
    """A TextChoices value by its Japanese label, English value or label (any case), or an
    extra alias; a blank cell gives ``default``. Exports the Japanese label."""

    def __init__(
        self,
        choices,
        *,
        default: str | None,
        error: Promise,
        aliases: tuple[tuple[str, str], ...] = (),
        template_labels: tuple[str, ...] = (),
    ):
        super().__init__()
        self.choices, self.default, self.error = choices, default, error
        self.aliases = aliases
        # The drop-down list of the template; the labels by default.
        self.template_labels = template_labels
        self._lookup: dict[str, str] | None = None

    @property
    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            self._lookup = {}
            for value, label in self.choices.choices:
                with translation.override("ja"):
                    self._lookup[key_text(str(label))] = value
                with translation.override("en"):
                    self._lookup[key_text(str(label)).lower()] = value
                self._lookup[value.lower()] = value
            for text, value in self.aliases:
                self._lookup[key_text(text).lower()] = value
        return self._lookup

    def clean(self, value, row=None, **kwargs) -> str | None:
        if is_blank(value):
            return self.default
        try:
            return self.lookup[key_text(value).lower()]
        except KeyError:
            raise CellError(str(self.error) % {"value": cell_text(value)}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value in (None, "") else str(self.choices(value).label)

    def labels(self) -> list[str]:
        with translation.override("ja"):
            return list(self.template_labels) or [str(label) for label in self.choices.labels]


class LookupWidget(CellWidget):
    """A plan object or a ward by its code or name, from a table read once per import.

    ``load`` returns ``{key_text: object}``; ``normalise`` turns a cell into such a key;
    ``missing`` is the message for a blank cell, ``unknown`` for a key not in the table (with
    ``%(value)s``, and ``%(choices)s`` for the names of what the table holds); ``blanks``
    are keys that mean None (the city as a whole)."""

    def __init__(
        self,
        load: Callable[[], dict[str, object]],
        *,
        normalise: Callable[[str], str] = str,
        missing: Promise | None = None,
        unknown: Promise,
        blanks: frozenset[str] = frozenset(),
        render: Callable[[object], object],
    ):
        super().__init__()
        self.load, self.normalise = load, normalise
        self.missing, self.unknown, self.blanks = missing, unknown, blanks
        self.render_object = render
        self._table: dict[str, object] | None = None

    @property
    def table(self) -> dict[str, object]:
        if self._table is None:
            self._table = self.load()
        return self._table

    def clean(self, value, row=None, **kwargs):
        key = self.normalise(key_text(value))
        if key in self.blanks:
            return None
        if not key and self.missing:
            raise CellError(str(self.missing))
        try:
            return self.table[key]
        except KeyError:
            text = cell_text(value)
            # The objects' own names, in their order: e.g. the wards the data files name.
            choices = joined(
                dict.fromkeys(str(self.render_object(o)) for o in self.table.values()), "・"
            )
            raise CellError(
                str(self.unknown) % {"value": text, "code": text, "choices": choices}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return None if value is None else self.render_object(value)


class ListWidget(CellWidget):
    """Several lookups in one cell, separated by ``;`` ``、`` ``,`` or ``/`` (full width too):
    ``高齢期; 学齢期``. Each item is read by ``item`` (a LookupWidget); blank is none."""

    SEPARATORS = re.compile(r"[;；、,，/／]+")

    def __init__(self, item: LookupWidget):
        super().__init__()
        self.item = item

    def clean(self, value, row=None, **kwargs) -> list:
        items = [text for text in self.SEPARATORS.split(cell_text(value)) if text.strip()]
        return [self.item.clean(text) for text in items]

    def render(self, value, obj=None, **kwargs):
        objects = value.all() if hasattr(value, "all") else value or []
        return "; ".join(str(self.item.render(o)) for o in objects)
