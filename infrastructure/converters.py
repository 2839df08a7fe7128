"""Path converters: a fiscal year in a URL as the Western year (``2016``) or by era (``H28``,
``R1``, ``平成28``), read by the one fiscal-year parser."""

from __future__ import annotations

from .fiscal_year import FiscalYearError, parse_fiscal_year


class FiscalYearConverter:
    """``/reports/2016/`` and ``/reports/H28/`` name the same year. Anything the parser does
    not read (an unknown era, a year out of range) matches no URL: a 404, never an error."""

    regex = r"[0-9]{4}|(?:[RHSrhs]|令和|平成|昭和)(?:[0-9]{1,3}|元)"

    def to_python(self, value: str) -> int:
        try:
            return parse_fiscal_year(value)
        except FiscalYearError as error:
            raise ValueError(str(error)) from error

    def to_url(self, value: int) -> str:
        return str(int(value))
