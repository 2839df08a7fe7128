"""Sample progress data for newcomers: every ward and the city, FY2014–FY2019, clearly marked
(source 「デモデータ」) so the dashboards are not empty on a fresh set-up. Loaded by
``make run`` on the embedded default only, on every start: loading adds what is missing and
never undoes a person's correction. ``demo_data_clear`` removes it: the ``clear_demo_data``
command, or a planner in the admin (``portal.views.demo_data``)."""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from community.models import Ward
from infrastructure.workflow import Status
from programs.models import Initiative, InitiativeProgress, Section

from . import policy
from .choices import UnitKind, ValueKind
from .models import Indicator, IndicatorValue, Unit
from .selectors import cached
from .targets import targets_in_force

audit = logging.getLogger("kumamoto_welfare.audit")

DEMO_SOURCE = "デモデータ"
DEMO_YEARS = range(2014, 2020)


def demo_data_present() -> bool:
    return cached(
        "demo-present", lambda: IndicatorValue.objects.filter(source=DEMO_SOURCE).exists()
    )


@dataclass(frozen=True)
class DemoLoad:
    """What ``demo_data_load`` did: rows created, and sample rows a person had changed
    (kept as they are)."""

    created: int
    kept_changed: int


@transaction.atomic
def demo_data_load(*, seed: int = 2014) -> DemoLoad:
    """Create the sample values and progress reports that are missing. Never changes or
    deletes a row: not one a person corrected (its history names who), not one left as it
    was loaded, not any other data; a sample row a person deleted is not brought back. So
    loading again (``make run`` on every start) keeps every correction, its id and its
    history. The same seed gives the same figures."""
    rng = random.Random(seed)
    wards = list(Ward.objects.all())
    by_municipality: dict[int | None, list[Ward]] = defaultdict(list)
    for ward in wards:
        by_municipality[ward.municipality_id].append(ward)

    def wards_of(plan) -> list[Ward]:
        """A plan's own municipality's wards (all of them where one municipality is loaded)."""
        return wards if len(by_municipality) <= 1 else by_municipality[plan.municipality_id]

    deleted_values = _deleted_by_a_person(
        IndicatorValue, ("indicator_id", "fiscal_year", "kind", "ward_id")
    )
    values = []
    indicators = list(Indicator.objects.select_related("plan").prefetch_related("values"))
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
            for ward in [None, *wards_of(indicator.plan)]:
                # Drawn for every place, taken or not: the same seed gives the same figure
                # to the same place, whatever already exists.
                noise = gap * Decimal(str(rng.uniform(-0.35, 0.15)))
                ward_id = ward and ward.pk
                if (year, ward_id) in taken or (
                    (indicator.pk, year, ValueKind.ACTUAL, ward_id) in deleted_values
                ):
                    continue
                # A ward's share of a city-wide count; a rate is about the city's.
                scale = (
                    Decimal(1) if ward is None or not indicator.unit.summed else (Decimal("0.2"))
                )
                # Around the expected line, mostly a little behind it.
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

    key = ("initiative_id", "section_id", "fiscal_year", "ward_id")
    skip = set(InitiativeProgress.objects.values_list(*key))
    skip |= _deleted_by_a_person(InitiativeProgress, key)
    subjects = [{"initiative": i} for i in Initiative.objects.select_related("pillar__plan")] + [
        {"section": s}
        for s in Section.objects.filter(initiatives__isnull=True).select_related("pillar__plan")
    ]
    states = ["not_started", "in_progress", "in_progress", "completed", "delayed"]
    progress = []
    for subject in subjects:
        for ward in wards_of(next(iter(subject.values())).pillar.plan):
            for year in DEMO_YEARS:
                state = rng.choice(states)
                events_held, participants = rng.randint(0, 12), rng.randint(0, 400)
                subject_ids = (
                    getattr(subject.get("initiative"), "pk", None),
                    getattr(subject.get("section"), "pk", None),
                )
                if (*subject_ids, year, ward.pk) in skip:
                    continue
                progress.append(
                    InitiativeProgress(
                        **subject,
                        fiscal_year=year,
                        ward=ward,
                        state=state,
                        results=f"（{DEMO_SOURCE}）",
                        source=DEMO_SOURCE,
                        status=Status.APPROVED,
                        events_held=events_held,
                        participants=participants,
                    )
                )
    InitiativeProgress.objects.bulk_create(progress)
    _changed()
    return DemoLoad(
        created=len(values) + len(progress),
        kept_changed=sum(
            _changed_by_a_person(model).filter(source=DEMO_SOURCE).count()
            for model in (IndicatorValue, InitiativeProgress)
        ),
    )


def _changed_by_a_person(model):
    """The rows of ``model`` whose history has a change by a person. Sample rows are
    bulk-created without history, so any history row with a user is someone's work."""
    changed = model.history.filter(history_user__isnull=False).values("id")
    return model.objects.filter(pk__in=changed)


def _deleted_by_a_person(model, fields: tuple[str, ...]) -> set[tuple]:
    """The keys (``fields``) of sample rows a person deleted, from their history."""
    return set(
        model.history.filter(
            history_type="-", history_user__isnull=False, source=DEMO_SOURCE
        ).values_list(*fields)
    )


def _fit(value: Decimal, unit: Unit) -> Decimal:
    """A sample figure as its unit allows (``indicators.models.value_problem``): a rate
    within 0–100 with one decimal at most, a count whole, money not negative."""
    if unit.kind == UnitKind.PERCENTAGE:
        value = min(max(value, Decimal(0)), Decimal(100))
        return value.quantize(Decimal(1).scaleb(-min(unit.decimals, 1)), ROUND_HALF_UP)
    if unit.kind in (UnitKind.COUNT, UnitKind.MONEY):
        value = max(value, Decimal(0))
    return value.quantize(Decimal(1).scaleb(-unit.decimals), ROUND_HALF_UP)


def demo_data_count() -> int:
    """How many rows of sample data there are (figures and progress reports)."""
    return (
        IndicatorValue.objects.filter(source=DEMO_SOURCE).count()
        + InitiativeProgress.objects.filter(source=DEMO_SOURCE).count()
    )


@transaction.atomic
def demo_data_clear(*, user: AbstractBaseUser | None = None) -> int:
    """Remove every row of sample data, whatever its state, and nothing else; the number of
    rows removed. ``user`` is who asks from the admin, checked by the access policy (planners
    and administrators); None for the ``clear_demo_data`` command, run by whoever runs the
    server."""
    if user is not None:
        policy.check_clears_demo_data(user)
    removed, _ = IndicatorValue.objects.filter(source=DEMO_SOURCE).delete()
    removed_progress, _ = InitiativeProgress.objects.filter(source=DEMO_SOURCE).delete()
    _changed()
    username = user.get_username() if user is not None else ""
    audit.info(
        "sample data removed: %s rows by %s",
        removed + removed_progress,
        username or "the clear_demo_data command",
        extra={"event": "demo_data_cleared", "username": username},
    )
    return removed + removed_progress


def _changed() -> None:
    # bulk writes send no signals: move the summaries' cache generation on by hand (the
    # active tenant's, whose rows the managers read; with none, every municipality's).
    from infrastructure import tenancy
    from infrastructure.response_cache import bump_generation

    bump_generation(tenancy.current_id())
