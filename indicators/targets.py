"""Which target (目標値) is in force in a fiscal year: the one answer every door asks for.

A target is never overwritten: a revision (目標値の見直し) is a new ``Target`` naming the
fiscal year it was set in (``revised_in``). The target in force in fiscal year Y is the latest
one set in or before Y, or the plan's original (``revised_in`` empty) where none was set by
then. "Latest" is by ``revised_in`` (an original counts as set before any revision), then by
when it was recorded (``set_at``), then by id. So evaluating FY2016 after a revision made in
FY2018 still uses the plan's original.

A ward is measured against its own targets where it has any; otherwise against the city's
for a rate (%) only, since a ward's count is a part of the city's total and the city's
target for it does not apply.

The API (indicators, series, targets), the dashboard, the pages, exports and the annual
report reach this module through ``indicators.selectors``; nothing else picks a target.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple, Protocol, TypeVar


class TargetLike(Protocol):
    revised_in: int | None
    set_at: datetime.datetime
    pk: int | None


T = TypeVar("T", bound=TargetLike)


def _set_order(target: TargetLike) -> tuple:
    return (
        target.revised_in is not None,
        target.revised_in or 0,
        target.set_at,
        target.pk or 0,
    )


def known_in(targets: Iterable[T], fiscal_year: int) -> list[T]:
    """Of ``targets``, those set in or before ``fiscal_year`` (the plan's original and the
    revisions made by then): what was known that year. A year's report shows these only."""
    return [t for t in targets if t.revised_in is None or t.revised_in <= fiscal_year]


def in_force(targets: Iterable[T], fiscal_year: int) -> T | None:
    """The rule, on targets already read: the latest set in or before ``fiscal_year``."""
    return max(known_in(targets, fiscal_year), key=_set_order, default=None)


def in_order(targets: Iterable[T]) -> list[T]:
    """Targets in the order they were set: the original first, then each revision."""
    return sorted(targets, key=_set_order)


def measured_against(indicator, targets: Sequence[T], *, ward_id: int | None) -> list[T]:
    """Of an indicator's targets, those the city (``ward_id`` None) or a ward is measured
    against: the ward's own where it has any, else the city's for a rate (%) only."""
    city = [t for t in targets if t.ward_id is None]
    if ward_id is None:
        return city
    own = [t for t in targets if t.ward_id == ward_id]
    if own or indicator.unit.summed:
        return own
    return city


def targets_query(indicators: Iterable, *, ward_id: int | None = None):
    """The targets of ``indicators`` the city (``ward_id`` None) or a ward may be measured
    against, as one query: what ``targets_by_indicator`` reads, and what
    ``indicators.selectors.progress_by_indicator`` reads with the values (its rows then come
    as ``TargetFigures``)."""
    from django.db.models import Q

    from .models import Target

    rows = Target.objects.filter(indicator_id__in=[indicator.pk for indicator in indicators])
    if ward_id is None:
        return rows.filter(ward__isnull=True).order_by()
    return rows.filter(Q(ward__isnull=True) | Q(ward_id=ward_id)).order_by()


def targets_grouped(indicators: Iterable, rows: Iterable, *, ward_id: int | None) -> dict:
    """``rows`` of ``targets_query`` (instances or ``TargetFigures``) per indicator (by id):
    those it is measured against, in the order they were set."""
    found: dict[int, list] = defaultdict(list)
    for target in rows:
        found[target.indicator_id].append(target)
    return {
        indicator.pk: in_order(measured_against(indicator, found[indicator.pk], ward_id=ward_id))
        for indicator in indicators
    }


def targets_by_indicator(indicators: Iterable, *, ward_id: int | None = None) -> dict[int, list]:
    """Every target each indicator (by id) is measured against, city-wide or for
    ``ward_id``, in the order they were set. One query."""
    indicators = list(indicators)
    rows = targets_query(indicators, ward_id=ward_id).select_related("set_by", "ward")
    return targets_grouped(indicators, rows, ward_id=ward_id)


class TargetFigures(NamedTuple):
    """A target as progress reads it: what choosing the one in force and showing it needs
    (no model instance, no setter or ward)."""

    pk: int
    indicator_id: int
    ward_id: int | None
    fiscal_year: int
    value: Decimal
    revised_in: int | None
    set_at: datetime.datetime


def targets_in_force(
    indicators: Iterable, fiscal_year: int, *, ward_id: int | None = None
) -> dict[int, object | None]:
    """The bulk form of ``target_in_force``: {indicator id: Target or None}. One query."""
    found = targets_by_indicator(indicators, ward_id=ward_id)
    return {indicator_id: in_force(targets, fiscal_year) for indicator_id, targets in found.items()}


def target_in_force(indicator, fiscal_year: int, *, ward_id: int | None = None):
    """The target in force in ``fiscal_year`` for the city (or ``ward_id``), or None."""
    return targets_in_force([indicator], fiscal_year, ward_id=ward_id)[indicator.pk]
