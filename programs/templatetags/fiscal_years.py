"""Template filters for fiscal years and figures, over the one fiscal-year module."""

from decimal import Decimal

from django import template
from django.utils import translation

from infrastructure.fiscal_year import fiscal_year_label

register = template.Library()


@register.filter
def fiscal_year(year: int) -> str:
    """``2013`` → ``2013年度（平成25年度）`` (or ``FY2013 (Heisei 25)`` in English)."""
    return fiscal_year_label(year)


@register.filter
def fiscal_year_compact(year: int) -> str:
    """``2013`` → ``2013（H25）`` for narrow table cells (``FY2013 (H25)`` in English)."""
    from infrastructure.fiscal_year import fiscal_year_short_label

    if (translation.get_language() or "ja").startswith("en"):
        return f"FY{year} ({fiscal_year_short_label(year)})"
    return f"{year}（{fiscal_year_short_label(year)}）"


@register.simple_tag
def figure(value: Decimal, indicator) -> str:
    """A value with its indicator's unit and as many decimals as the plan prints:
    ``34.0%``, ``111,901人``; ``111,901 people`` in English, where a word unit takes a space."""
    unit = indicator.get_unit_display()
    no_space = indicator.unit.is_percentage or translation.get_language() == "ja"
    space = "" if no_space else " "
    return f"{value:,.{indicator.decimal_places}f}{space}{unit}"
