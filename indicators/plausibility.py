"""Plausibility rules (妥当性チェック): a figure an indicator may take without a stated reason.

Each indicator may carry a minimum, a maximum and the largest change from the previous figure
(``Indicator.plausible_minimum``, ``plausible_maximum``, ``largest_change``; the change
defaults to 50 %). An actual is compared with the latest earlier figure of the same indicator
and area *in any state* (a draft too: a tenfold typo must not wait for last year's approval).
A figure that breaks a rule is kept only with a reason in its 備考 (``note``).

The one implementation of the rule: entry at every door (``indicators.services.validate_value``,
which the admin, the API and imports call), submission and approval
(``infrastructure.workflow.check_on_transition``), the record's JSON (``checks``), the admin's
columns, its "flagged" filter and bulk approval all ask this module."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from infrastructure.fiscal_year import fiscal_year_label

from .choices import ValueKind, ValueOrigin
from .models import IndicatorValue

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import Indicator

MINIMUM, MAXIMUM, CHANGE = "minimum", "maximum", "change"


@dataclass(frozen=True)
class Previous:
    """The latest earlier figure of the same indicator and area, in any state."""

    pk: int
    fiscal_year: int
    value: Decimal
    status: str


@dataclass(frozen=True)
class Check:
    """A rule the figure breaks: which, its limit, the previous figure and the change."""

    rule: str
    limit: Decimal
    previous: Previous | None
    change: Decimal | None  # percent, signed: +874.6 for a tenfold figure


@dataclass(frozen=True)
class Result:
    previous: Previous | None
    change: Decimal | None
    broken: tuple[Check, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.broken)


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 50, 24500, 12.5."""
    return format(number.normalize(), "f")


def _change(value: Decimal, previous: Previous | None) -> Decimal | None:
    if previous is None or not previous.value:
        return None
    return ((value - previous.value) / abs(previous.value) * 100).quantize(Decimal("0.1"))


def evaluate(record: IndicatorValue, previous: Previous | None) -> Result:
    """The rules ``record`` breaks against ``previous`` (no query)."""
    if record.kind != ValueKind.ACTUAL or record.value is None:
        return Result(previous=None, change=None, broken=())
    indicator: Indicator = record.indicator
    change = _change(record.value, previous)
    broken = []
    low, high = indicator.plausible_minimum, indicator.plausible_maximum
    if low is not None and record.value < low:
        broken.append(Check(MINIMUM, low, previous, change))
    if high is not None and record.value > high:
        broken.append(Check(MAXIMUM, high, previous, change))
    largest = indicator.largest_change
    if largest is not None and change is not None and abs(change) > largest:
        broken.append(Check(CHANGE, largest, previous, change))
    return Result(previous=previous, change=change, broken=tuple(broken))


def previous_of(record: IndicatorValue) -> Previous | None:
    """The latest earlier actual of the record's indicator and area, in any state."""
    found = (
        IndicatorValue.objects.filter(
            indicator_id=record.indicator_id,
            ward_id=record.ward_id,
            kind=ValueKind.ACTUAL,
            fiscal_year__lt=record.fiscal_year,
        )
        .exclude(pk=record.pk)
        .order_by("-fiscal_year")
        .values_list("pk", "fiscal_year", "value", "status")
        .first()
    )
    return Previous(*found) if found else None


def check_of(record: IndicatorValue) -> Result:
    """The record's checks: one query (none for a figure no rule applies to)."""
    if record.kind != ValueKind.ACTUAL or record.value is None:
        return Result(previous=None, change=None, broken=())
    return evaluate(record, previous_of(record))


def checks_for(records: Iterable[IndicatorValue]) -> dict[int, Result]:
    """Each record's checks by its pk, for a list: one query for all the earlier figures of
    the records' indicators and areas (the records' indicators must be loaded with them,
    ``select_related("indicator")``, to keep it at one)."""
    records = [r for r in records if r.kind == ValueKind.ACTUAL]
    if not records:
        return {}
    indicator_ids = {r.indicator_id for r in records}
    latest = max(r.fiscal_year for r in records)
    earlier = defaultdict(list)
    for row in (
        IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids, kind=ValueKind.ACTUAL, fiscal_year__lt=latest
        )
        .order_by("-fiscal_year")
        .values_list("indicator_id", "ward_id", "pk", "fiscal_year", "value", "status")
    ):
        earlier[row[0], row[1]].append(Previous(*row[2:]))
    found = {}
    for record in records:
        previous = next(
            (
                p
                for p in earlier[record.indicator_id, record.ward_id]
                if p.fiscal_year < record.fiscal_year and p.pk != record.pk
            ),
            None,
        )
        found[record.pk] = evaluate(record, previous)
    return found


def flagged_ids(queryset) -> list[int]:
    """The pks of the actuals in ``queryset`` that break a rule (the admin's filter)."""
    records = list(queryset.filter(kind=ValueKind.ACTUAL).select_related("indicator"))
    return [pk for pk, result in checks_for(records).items() if result.flagged]


def describe(record: IndicatorValue, check: Check) -> str:
    """One broken rule in words: the rule, the previous figure and the change."""
    indicator = record.indicator
    limit = indicator.figure_text(check.limit)
    if check.rule == MINIMUM:
        text = _("下限（%(limit)s）を下回っています") % {"limit": limit}
    elif check.rule == MAXIMUM:
        text = _("上限（%(limit)s）を上回っています") % {"limit": limit}
    else:
        text = _("前の値からの変化が%(change)s%%で、上限の%(limit)s%%を超えています") % {
            "change": f"{check.change:+}",
            "limit": _plain(check.limit),
        }
    if check.previous is not None:
        text += _("（前の値：%(year)sの%(value)s、%(status)s）") % {
            "year": fiscal_year_label(check.previous.fiscal_year),
            "value": indicator.figure_text(check.previous.value),
            "status": IndicatorValue(status=check.previous.status).get_status_display(),
        }
    return text


def in_sentences(record: IndicatorValue, result: Result) -> str:
    """Every broken rule in words, a sentence each."""
    return "".join(_("%(check)s。") % {"check": describe(record, check)} for check in result.broken)


def validate_plausible(record: IndicatorValue, result: Result | None = None) -> None:
    """Refuse a figure that breaks a rule without a reason in its 備考, naming each rule, the
    previous figure and the change."""
    result = result or check_of(record)
    if not result.flagged or record.note.strip():
        return
    raise ValidationError(
        {
            "note": _("%(broken)s備考に理由を記入してください。")
            % {"broken": in_sentences(record, result)}
        }
    )


def as_json(result: Result | None) -> list[dict]:
    """The ``checks`` of a record's JSON: the rules it breaks, the previous figure, the change."""
    if result is None:
        return []
    return [
        {
            "rule": check.rule,
            "limit": _plain(check.limit),
            "previous": None
            if check.previous is None
            else {
                "id": check.previous.pk,
                "fiscal_year": check.previous.fiscal_year,
                "value": _plain(check.previous.value),
                "status": check.previous.status,
            },
            "change_percent": None if check.change is None else f"{check.change:+}",
        }
        for check in result.broken
    ]


def validate_on_transition(record: IndicatorValue) -> None:
    """At submission and approval: the same rule, but for a figure the system derived (it
    has no hand to give a reason; its sources are checked where they are entered)."""
    if record.origin != ValueOrigin.DERIVED:
        validate_plausible(record)
