"""How figures and empty values read to people: in the admin's lists, forms and history.

A figure is shown with the decimals its indicator prints (``Indicator.decimal_places``): 79.1
for a one-decimal percentage, 1,234 for a count, never the database's 79.1000. Where nothing
says how many decimals, the figure is shown as it is, without trailing zeros.
"""

from __future__ import annotations

from decimal import Decimal

EMPTY = "—"


def figure_text(value: Decimal | int | float | None, places: int | None = None) -> str:
    """``value`` with thousands separators and ``places`` decimals (as it is, without
    trailing zeros, if ``places`` is None); ``—`` for no value."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,d}"
    value = Decimal(str(value)) if isinstance(value, float) else value
    if places is None:
        normalized = value.normalize()
        if normalized == normalized.to_integral_value():
            return f"{normalized.quantize(Decimal(1)):,f}"
        return f"{normalized:,f}"
    return f"{value:,.{places}f}"


def figure_input(value: Decimal | None, places: int | None) -> Decimal | None:
    """``value`` as a form's input shows it: the indicator's decimals, no separators (the
    field reads it back as the same number)."""
    if value is None or places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places))
