"""Indicators computed from the community's records instead of typed in.

- KPI-4-1 (``districts_in_action``): the school districts whose health town-planning reached
  活動の展開 (or 活動の評価) in the fiscal year.
- KPI-4-2 (``health_volunteers``): the headcounts of the volunteer programs marked as
  health volunteers, summed.

Each is computed city-wide and per ward, as an actual (origin ``derived``) that goes through
the same approval as an entered value and keeps the records it counted (``computation``).
Recomputing writes only what differs: a changed number replaces the value and, if it was
submitted or approved, sends it back to draft with a logged reason; an unchanged number
writes nothing (only a changed list of counted records is brought up to date, without
touching the status). Values from the plan, and values typed in before the indicator was
derived, are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from community.choices import IN_ACTION
from community.models import HealthTownPlanningRecord, VolunteerHeadcount, Ward
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.workflow import Status, record_revert_to_draft, save_version

from .choices import Derivation, ValueKind, ValueOrigin
from .models import Indicator, IndicatorValue

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SYSTEM_USERNAME = "system"

# The change reasons of a derived value's history (named in words by IndicatorsConfig.ready).
REASON_CREATED = "derived: created"
REASON_SOURCES = "derived: counted records changed, same number"
REASON_RECOMPUTED = "derived: recomputed"


@dataclass
class Figure:
    """A computed number and the records it counted (``[{"model", "id", "label", …}]``)."""

    value: Decimal = Decimal(0)
    sources: list[dict] = field(default_factory=list)


# {(fiscal_year, ward_id or None): Figure}
Figures = dict[tuple[int, int | None], Figure]


def _districts_in_action(fiscal_years: list[int] | None) -> Figures:
    records = HealthTownPlanningRecord.objects.select_related("school_district__ward")
    if fiscal_years is not None:
        records = records.filter(fiscal_year__in=fiscal_years)
    figures: Figures = defaultdict(Figure)
    for record in records.order_by("fiscal_year", "school_district__code"):
        # A year with records but none far enough along still counts 0 (a figure, not a gap).
        keys = [(record.fiscal_year, None), (record.fiscal_year, record.school_district.ward_id)]
        for key in keys:
            figure = figures[key]
            if record.stage >= IN_ACTION:
                figure.value += 1
                figure.sources.append(
                    {
                        "model": "community.healthtownplanningrecord",
                        "id": record.pk,
                        "label": f"{record.school_district.ward} {record.school_district.name}",
                        "stage": record.get_stage_display(),
                    }
                )
    return figures


def _health_volunteers(fiscal_years: list[int] | None) -> Figures:
    counts = VolunteerHeadcount.objects.filter(program__health_volunteer=True).select_related(
        "program", "ward"
    )
    if fiscal_years is not None:
        counts = counts.filter(fiscal_year__in=fiscal_years)
    figures: Figures = defaultdict(Figure)
    for count in counts.order_by("fiscal_year", "program__position", "ward__position"):
        keys = [(count.fiscal_year, None)]
        if count.ward_id:
            keys.append((count.fiscal_year, count.ward_id))
        for key in keys:
            figure = figures[key]
            figure.value += count.headcount
            figure.sources.append(
                {
                    "model": "community.volunteerheadcount",
                    "id": count.pk,
                    "label": f"{count.program} {count.ward or _('市全体')}",
                    "headcount": count.headcount,
                }
            )
    return figures


COMPUTE = {
    Derivation.DISTRICTS_IN_ACTION: _districts_in_action,
    Derivation.HEALTH_VOLUNTEERS: _health_volunteers,
}


# The community records each derivation counts, by model label: a change to one of them
# queues that derivation's recompute (``signals.queue_derived_recompute``).
DERIVATIONS_COUNTING: dict[str, tuple[str, ...]] = {
    "community.HealthTownPlanningRecord": (Derivation.DISTRICTS_IN_ACTION,),
    "community.SchoolDistrict": (Derivation.DISTRICTS_IN_ACTION,),
    "community.VolunteerHeadcount": (Derivation.HEALTH_VOLUNTEERS,),
    "community.VolunteerProgram": (Derivation.HEALTH_VOLUNTEERS,),
}


def _system_user() -> AbstractBaseUser:
    user, _created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    return user


@transaction.atomic
def derived_values_recompute(
    *, derivation: str, fiscal_years: list[int] | None, user: AbstractBaseUser | None
) -> dict[str, int]:
    """Bring the derived actuals of every indicator with ``derivation`` up to date for
    ``fiscal_years`` (None: every year). ``user`` is the person whose change caused it,
    named in the transition log of a value sent back to draft. Returns counts by outcome."""
    outcomes: dict[str, int] = defaultdict(int)
    indicators = list(Indicator.objects.filter(derivation=derivation))
    if not indicators:
        return dict(outcomes)
    figures = COMPUTE[Derivation(derivation)](fiscal_years)
    for indicator in indicators:
        existing = (
            IndicatorValue.objects.select_for_update(of=("self",))
            .filter(indicator=indicator, kind=ValueKind.ACTUAL)
            .order_by()  # no join to the (nullable) ward: PostgreSQL locks no outer join
        )
        if fiscal_years is not None:
            existing = existing.filter(fiscal_year__in=fiscal_years)
        by_key = {(v.fiscal_year, v.ward_id): v for v in existing}
        for key in sorted(set(figures) | set(by_key), key=lambda k: (k[0], k[1] or 0)):
            figure = figures.get(key, Figure())
            outcome = _write(indicator, key, figure, by_key.get(key), user)
            outcomes[outcome] += 1
    return dict(outcomes)


def _write(indicator, key, figure: Figure, value: IndicatorValue | None, user) -> str:
    fiscal_year, ward_id = key
    if value is None:
        value = IndicatorValue(
            indicator=indicator,
            fiscal_year=fiscal_year,
            kind=ValueKind.ACTUAL,
            ward_id=ward_id,
            value=figure.value,
            origin=ValueOrigin.DERIVED,
            status=Status.DRAFT,
            computation=figure.sources,
            source=_("地域の記録から自動計算"),
        )
        value.full_clean()
        value._history_user = user
        value._change_reason = REASON_CREATED
        value.save()
        return "created"
    if value.origin != ValueOrigin.DERIVED:
        return "kept"  # the plan's own figure, or one typed in before: a person decides
    if value.value == figure.value:
        if value.computation == figure.sources:
            return "unchanged"
        value.computation = figure.sources
        value._history_user = user
        value._change_reason = REASON_SOURCES
        value.save(update_fields=["computation", "updated_at"])
        return "sources"
    before = value.value
    value.value = figure.value
    value.computation = figure.sources
    value.full_clean()
    if value.status == Status.DRAFT:
        save_version(value, user=user, reason=REASON_RECOMPUTED)
        return "updated"
    where = Ward.objects.get(pk=ward_id).name if ward_id else _("市全体")
    record_revert_to_draft(
        record=value,
        user=user or _system_user(),
        comment=_(
            "元になる記録が変わり、%(year)s・%(where)sの値を再計算したところ %(before)s から "
            "%(after)s に変わったため、下書きに戻しました。"
        )
        % {
            "year": fiscal_year_label(fiscal_year),
            "where": where,
            "before": f"{before.normalize():f}",
            "after": f"{figure.value.normalize():f}",
        },
    )
    return "returned"
