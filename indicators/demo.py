"""Sample progress data for newcomers: every ward and the city, FY2014–FY2019, clearly marked
(source 「デモデータ」) so the dashboards are not empty on a fresh set-up. Loaded by
``make run`` on the embedded default only; ``clear_demo_data`` removes it."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from community.models import Ward
from kumamoto_welfare.workflow import Status
from programs.models import Initiative, InitiativeProgress, Section

from .choices import COUNT_UNITS, Unit, ValueKind
from .models import Indicator, IndicatorValue
from .selectors import cached
from .targets import targets_in_force

DEMO_SOURCE = "デモデータ"
DEMO_YEARS = range(2014, 2020)


def demo_data_present() -> bool:
    return cached(
        "demo-present", lambda: IndicatorValue.objects.filter(source=DEMO_SOURCE).exists()
    )


@transaction.atomic
def demo_data_load(*, seed: int = 2014) -> int:
    """Create the sample values and progress reports; returns how many rows. Idempotent:
    existing sample data is replaced, other data never touched."""
    demo_data_clear()
    rng = random.Random(seed)
    wards = list(Ward.objects.all())
    values = []
    indicators = list(Indicator.objects.prefetch_related("values"))
    # The trend heads for the target in force at the start of the sample years.
    targets = targets_in_force(indicators, DEMO_YEARS[0])
    for indicator in indicators:
        plan = {v.kind: v for v in indicator.values.all() if v.ward_id is None}
        baseline, target = plan.get(ValueKind.BASELINE), targets[indicator.pk]
        if not (baseline and target):
            continue
        taken = {
            (v.fiscal_year, v.ward_id) for v in indicator.values.all() if v.kind == ValueKind.ACTUAL
        }
        span = max(target.fiscal_year - baseline.fiscal_year, 1)
        for year in DEMO_YEARS:
            share = Decimal(min(max(year - baseline.fiscal_year, 0), span)) / span
            gap = target.value - baseline.value
            trend = baseline.value + gap * share
            for ward in [None, *wards]:
                if (year, ward and ward.pk) in taken:
                    continue
                # A ward's share of a city-wide count; a rate is about the city's.
                scale = (
                    Decimal(1)
                    if ward is None or indicator.unit == Unit.PERCENT
                    else (Decimal("0.2"))
                )
                # Around the expected line, mostly a little behind it.
                noise = gap * Decimal(str(rng.uniform(-0.35, 0.15)))
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        fiscal_year=year,
                        kind=ValueKind.ACTUAL,
                        value=_fit((trend + noise) * scale, indicator.unit),
                        ward=ward,
                        source=DEMO_SOURCE,
                        status=Status.APPROVED,
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    subjects = [{"initiative": i} for i in Initiative.objects.all()] + [
        {"section": s} for s in Section.objects.filter(initiatives__isnull=True)
    ]
    states = ["not_started", "in_progress", "in_progress", "completed", "delayed"]
    progress = [
        InitiativeProgress(
            **subject,
            fiscal_year=year,
            ward=ward,
            state=rng.choice(states),
            results=f"（{DEMO_SOURCE}）",
            source=DEMO_SOURCE,
            status=Status.APPROVED,
            events_held=rng.randint(0, 12),
            participants=rng.randint(0, 400),
        )
        for subject in subjects
        for ward in wards
        for year in DEMO_YEARS
    ]
    InitiativeProgress.objects.bulk_create(progress)
    _changed()
    return len(values) + len(progress)


def _fit(value: Decimal, unit: str) -> Decimal:
    if unit == Unit.PERCENT:
        return min(max(value, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if unit in COUNT_UNITS:
        return max(value, Decimal(0)).quantize(Decimal(1), ROUND_HALF_UP)
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def demo_data_clear() -> int:
    removed, _ = IndicatorValue.objects.filter(source=DEMO_SOURCE).delete()
    removed_progress, _ = InitiativeProgress.objects.filter(source=DEMO_SOURCE).delete()
    _changed()
    return removed + removed_progress


def _changed() -> None:
    # bulk writes send no signals: move the summaries' cache generation on by hand.
    from .selectors import bump_generation

    bump_generation()
