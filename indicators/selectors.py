"""Reads of indicators and progress shared by the API, the pages, exports and reports.

Progress is computed from approved values only, so a summary is the same for every reader and
can be cached; the cache key carries a generation number that every change to progress data
moves on (``bump_generation``; the active tenant's, which its own changes move on), so
nobody is served a summary older than the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    Value,
    Window,
)
from django.db.models.functions import Cast, RowNumber

from community import access
from infrastructure import tenancy
from infrastructure.fiscal_year import current_fiscal_year
from infrastructure.response_cache import CACHE_SECONDS, generation
from infrastructure.workflow import Status

from .choices import STATUS_MARKS, Derivation, ValueKind, ValueOrigin
from .models import Indicator, IndicatorValue, RatingRule, Target
from .progress import Point, Progress, ProgressStatus, compute_progress
from .rating_rules import Band, Rule, problems
from .targets import (
    TargetFigures,
    known_in,
    targets_by_indicator,
    targets_grouped,
    targets_query,
)
from .targets import in_force as choose_in_force


def cached(name: str, compute, *parts):
    """``compute()`` cached under ``name`` and ``parts`` for the current data generation
    and the active tenant (``infrastructure.tenancy``).

    Inside a transaction the result may hold rows that are rolled back later, so it is
    computed but not cached (a test's own wrapping transaction does not count)."""
    if _in_transaction():
        return compute()
    key = ":".join(str(p) for p in (name, generation(), tenancy.key(), *parts))
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def _in_transaction() -> bool:
    from django.db import connection

    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def active_rule() -> Rule:
    """The rating rule in use, with its bands as the planners left them. Without an active
    rule, or with bands that cannot judge (edited into an unusable set), the rule's preset
    bands (the ``pace`` preset's when none is active): a verdict is always given. With
    several municipalities loaded, the active tenant's (``infrastructure.tenancy``)."""
    return _rule_of(active_rules(), tenancy.current_id())


def active_rules() -> dict[int | None, Rule]:
    """Each municipality's rule in use, by its id (None: a rule of no municipality, made
    before any was loaded): one query for all, for a view across municipalities."""
    return cached("rating-rules", _active_rules)


def _rule_of(rules: dict[int | None, Rule], municipality_id: int | None) -> Rule:
    if len(rules) == 1:
        return next(iter(rules.values()))
    return rules.get(municipality_id) or Rule.preset()


def _active_rules() -> dict[int | None, Rule]:
    # One query: the active rules (one per municipality, by constraint) joined to their
    # bands in their order; a rule without bands comes as one row of NULL band fields.
    rows = list(
        RatingRule.objects.filter(is_active=True)
        .order_by("municipality_id", "bands__position", "bands__pk")
        .values_list(
            "municipality_id",
            "name",
            "label",
            "label_en",
            "bands__code",
            "bands__label",
            "bands__group",
            "bands__use",
            "bands__minimum",
            "bands__label_en",
        )
    )
    grouped: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row[1:])
    rules = {}
    for municipality_id, found in grouped.items():
        name, label, label_en = found[0][:3]
        bands = tuple(Band(*band) for band in (row[3:] for row in found) if band[0] is not None)
        rules[municipality_id] = (
            Rule.preset(name) if problems(list(bands)) else Rule(name, bands, label, label_en)
        )
    return rules


def plan_municipalities(plan_ids) -> dict[int, int | None]:
    """The municipality of each plan, by the plan's id (one query)."""
    from programs.models import Plan

    return dict(Plan.objects.filter(pk__in=plan_ids).values_list("pk", "municipality_id"))


def rating_codes() -> list[str]:
    """The codes of the active rule's bands: what an evaluation's rating may be."""
    return [band.code for band in active_rule().bands]


def progress_by_indicator(
    indicators: Iterable[Indicator], *, ward_id: int | None = None, up_to: int | None = None
) -> dict[int, Progress]:
    """Progress of each indicator (by id) as of fiscal year ``up_to`` (the current fiscal
    year if None), from approved values: the latest actual of the city (or of ``ward_id``)
    up to that year, against the baseline and the target in force in that year
    (``indicators.targets``).

    A ward is measured against its own baseline and targets where it has them; otherwise
    against the city's only for rates (%), since a ward's count is a part of the city's
    total and the city's target for it does not apply. Two queries (values with targets, the
    rule), whatever the number of indicators and values."""
    indicators = list(indicators)
    as_of = current_fiscal_year() if up_to is None else up_to
    baselines = Q(kind=ValueKind.BASELINE)
    wanted = baselines & Q(ward__isnull=True)
    if ward_id:
        wanted |= baselines & Q(ward_id=ward_id)
        wanted |= Q(kind=ValueKind.ACTUAL, ward_id=ward_id, fiscal_year__lte=as_of)
    else:
        wanted |= Q(kind=ValueKind.ACTUAL, ward__isnull=True, fiscal_year__lte=as_of)
    # Only the latest of each kind and place counts (the latest actual up to the year, the
    # latest baseline), so only those rows are read: a window ranks them in the database.
    # The targets come in the same query (UNION ALL), their own columns NULL for a value.
    newest_first = Window(
        RowNumber(),
        partition_by=[F("indicator_id"), F("kind"), F("ward_id")],
        order_by=F("fiscal_year").desc(),
    )
    columns = ("indicator_id", "kind", "fiscal_year", "value", "ward_id")
    target_columns = ("revised_in", "set_at", "target_pk")
    values = (
        IndicatorValue.objects.visible_to(access.PUBLIC)  # the published figures
        .filter(wanted, indicator_id__in=[indicator.pk for indicator in indicators])
        .annotate(newest=newest_first)
        .filter(newest=1)
        .annotate(  # distinct expressions: the ORM would merge two equal ones into one column
            revised_in=Cast(Value(None), IntegerField()),
            set_at=Cast(Value(None), DateTimeField()),
            target_pk=Cast(Value(None), BigIntegerField()),
        )
        .order_by()  # the model's ordering would join and sort rows grouped below anyway
        .values_list(*columns, *target_columns)
    )
    targets = (
        targets_query(indicators, ward_id=ward_id)
        .annotate(kind=Value(ValueKind.TARGET, CharField()), target_pk=F("pk"))
        .values_list(*columns, *target_columns)
    )
    points: dict[tuple[int, str, bool], list[Point]] = defaultdict(list)
    target_rows = []
    for indicator_id, kind, fiscal_year, value, value_ward, *target in values.union(
        targets, all=True
    ):
        if kind == ValueKind.TARGET:
            revised_in, set_at, pk = target
            target_rows.append(
                TargetFigures(pk, indicator_id, value_ward, fiscal_year, value, revised_in, set_at)
            )
        else:
            points[(indicator_id, kind, value_ward is not None)].append(Point(fiscal_year, value))
    in_force = {
        pk: choose_in_force(found, as_of)
        for pk, found in targets_grouped(indicators, target_rows, ward_id=ward_id).items()
    }
    rules = active_rules()
    tenant = tenancy.current_id()
    if len(rules) > 1 and tenant is None:
        # Across municipalities (the prefecture's view): each by its own municipality's rule.
        municipality_of = plan_municipalities({indicator.plan_id for indicator in indicators})

        def rule(indicator: Indicator) -> Rule:
            return _rule_of(rules, municipality_of.get(indicator.plan_id))

    else:
        found_rule = _rule_of(rules, tenant)

        def rule(indicator: Indicator) -> Rule:
            return found_rule

    def latest(found: list[Point]) -> Point | None:
        return max(found, key=lambda p: p.fiscal_year, default=None)

    def baseline(indicator: Indicator) -> Point | None:
        own = latest(points[(indicator.pk, ValueKind.BASELINE, True)]) if ward_id else None
        if own or (ward_id and indicator.unit.summed):
            return own
        return latest(points[(indicator.pk, ValueKind.BASELINE, False)])

    def target(indicator: Indicator) -> Point | None:
        found = in_force[indicator.pk]
        return Point(found.fiscal_year, found.value) if found else None

    return {
        indicator.pk: compute_progress(
            direction=indicator.direction,
            baseline=baseline(indicator),
            target=target(indicator),
            actuals=points[(indicator.pk, ValueKind.ACTUAL, bool(ward_id))],
            rule=rule(indicator),
            as_of=as_of,
            survey_percentage=indicator.survey_percentage,
        )
        for indicator in indicators
    }


@dataclass(frozen=True)
class SeriesPoint:
    kind: str
    fiscal_year: int
    value: Decimal
    revised_in: int | None = None  # for a target: the fiscal year it was set in


@dataclass(frozen=True)
class TargetRow:
    """A target as the series, the targets endpoint and the pages show it."""

    target: Target
    in_force: bool

    def __getattr__(self, name):
        return getattr(self.target, name)


def target_rows(targets: list[Target], fiscal_year: int) -> list[TargetRow]:
    """``targets`` (in the order they were set) each with whether it is in force in
    ``fiscal_year``."""
    current = choose_in_force(targets, fiscal_year)
    return [TargetRow(t, current is not None and t.pk == current.pk) for t in targets]


def target_rows_by_indicator(
    indicators, *, fiscal_year: int, ward_id: int | None = None, known_only: bool = False
) -> dict[int, list[TargetRow]]:
    """For each indicator (by id), every target with its revision, marked in force or not
    in ``fiscal_year``; with ``known_only`` (the report) only those set by then
    (``indicators.targets.known_in``), no revision made in a later year. One query."""
    found = targets_by_indicator(indicators, ward_id=ward_id)
    if known_only:
        found = {pk: known_in(targets, fiscal_year) for pk, targets in found.items()}
    return {pk: target_rows(targets, fiscal_year) for pk, targets in found.items()}


def indicator_targets(
    indicator: Indicator, *, ward_id: int | None = None, fiscal_year: int | None = None
) -> list[TargetRow]:
    """Every target the indicator is measured against (city-wide or for ``ward_id``), the
    original first, each marked in force or not in ``fiscal_year`` (the current one if
    None)."""
    year = current_fiscal_year() if fiscal_year is None else fiscal_year
    targets = targets_by_indicator([indicator], ward_id=ward_id)[indicator.pk]
    return target_rows(targets, year)


def indicator_series(
    indicator: Indicator, *, ward_id: int | None = None, fiscal_year: int | None = None
) -> dict:
    """The ordered baseline, actual and target points (approved only; every target with
    its revision), and the expected trajectory: a straight line from baseline to the target
    in force, one point per fiscal year."""
    return series_by_indicator([indicator], ward_id=ward_id, fiscal_year=fiscal_year)[indicator.pk]


def series_by_indicator(
    indicators,
    *,
    ward_id: int | None = None,
    fiscal_year: int | None = None,
    known_only: bool = False,
) -> dict[int, dict]:
    """``indicator_series`` for many indicators in four queries, as of ``fiscal_year``
    (the current one if None); with ``known_only`` (the report) without the target
    revisions made after that year."""
    indicators = list(indicators)
    year = current_fiscal_year() if fiscal_year is None else fiscal_year
    progress = progress_by_indicator(indicators, ward_id=ward_id, up_to=year)
    targets = targets_by_indicator(indicators, ward_id=ward_id)
    if known_only:
        targets = {pk: known_in(found, year) for pk, found in targets.items()}
    actuals: dict[int, list[SeriesPoint]] = defaultdict(list)
    for indicator_id, fiscal_year_, value in (
        IndicatorValue.objects.visible_to(access.PUBLIC)
        .filter(
            indicator__in=indicators,
            kind=ValueKind.ACTUAL,
            ward_id=ward_id,
            fiscal_year__lte=year,
        )
        .order_by("fiscal_year")
        .values_list("indicator_id", "fiscal_year", "value")
    ):
        actuals[indicator_id].append(SeriesPoint(ValueKind.ACTUAL, fiscal_year_, value))
    result = {}
    kind_order = {ValueKind.BASELINE: 0, ValueKind.ACTUAL: 1, ValueKind.TARGET: 2}
    for indicator in indicators:
        own = progress[indicator.pk]
        points = list(actuals[indicator.pk])
        if own.baseline:
            points.insert(0, SeriesPoint(ValueKind.BASELINE, *_as_tuple(own.baseline)))
        points += [
            SeriesPoint(ValueKind.TARGET, t.fiscal_year, t.value, t.revised_in)
            for t in targets[indicator.pk]
        ]
        points.sort(key=lambda p: (p.fiscal_year, kind_order[p.kind], p.revised_in or 0))
        result[indicator.pk] = {
            "progress": own,
            "points": points,
            "expected": _expected_line(own),
            "targets": target_rows(targets[indicator.pk], year),
            "fiscal_year": year,
        }
    return result


def _expected_line(progress: Progress) -> list[Point]:
    baseline, target = progress.baseline, progress.target
    if not (baseline and target and target.fiscal_year > baseline.fiscal_year):
        return []
    span = target.fiscal_year - baseline.fiscal_year
    line = []
    for year in range(baseline.fiscal_year, target.fiscal_year + 1):
        share = Decimal(year - baseline.fiscal_year) / span
        value = baseline.value + (target.value - baseline.value) * share
        line.append(Point(year, value.quantize(Decimal("0.0001"))))
    return line


def _as_tuple(point: Point) -> tuple[int, Decimal]:
    return point.fiscal_year, point.value


def pillar_summaries(pillars, rows: list[tuple[Indicator, Progress]]) -> list[dict]:
    """Per pillar: its indicators counted by status, and their mean achievement rate, from
    ``rows`` of ``indicators_with_progress`` (so a page computes progress once)."""
    summaries = []
    for pillar in pillars:
        own = [progress for indicator, progress in rows if indicator.pillar_id == pillar.pk]
        rates = [p.achievement_rate for p in own if p.achievement_rate is not None]
        counts = dict.fromkeys(ProgressStatus.values, 0)
        for p in own:
            counts[p.status.value] += 1
        mean = (sum(rates) / len(rates)).quantize(Decimal("0.1")) if rates else None
        summaries.append(
            {
                "pillar": pillar,
                "indicators": len(own),
                "by_status": counts,
                # (mark, label, count) per status, in the order of ProgressStatus.
                "status_counts": [
                    (STATUS_MARKS[status], status.label, counts[status.value])
                    for status in ProgressStatus
                ],
                "mean_achievement_rate": mean,
            }
        )
    return summaries


def _expected_reports(plan=None):
    """What each ward reports for a fiscal year: an actual value of every indicator of the
    plan (the current plan by default), and a progress report on every initiative and on
    every section without one. The one definition behind ``ward_completeness`` and
    ``reporting_gaps``. Indicators computed from the community's records (KPI-4-1, KPI-4-2)
    are never owed: nobody types them in."""
    from programs.models import Initiative, Section
    from programs.selectors import current_plan

    plan = plan or current_plan()
    return (
        Indicator.objects.filter(plan=plan, derivation=Derivation.NONE),
        Initiative.objects.filter(pillar__plan=plan),
        Section.objects.filter(pillar__plan=plan, initiatives__isnull=True),
    )


def ward_completeness(
    wards, *, fiscal_year: int, scope, plan=None, city_wide: bool = False
) -> list[dict]:
    """Per ward, how complete the fiscal year's reporting is: the ward's actual values of
    every indicator and its progress report on every initiative (or section without one),
    counted by workflow status; what has no record is missing. Only what ``scope`` (a user
    or an ``access.Scope``) sees is counted: for a ward whose unapproved records are out of
    scope (the public; a ward officer looking at another ward) the counts are approved and
    missing only, and an unapproved record counts as missing.

    With ``city_wide``, a first row (``"ward": None``) counts the city-wide records (no
    ward) the same way, against the same expectations: for a city without wards the only
    row. Still one query for every count."""
    from programs.models import InitiativeProgress

    scope = access.scope_of(scope)
    indicators, initiatives, sections = _expected_reports(plan)
    # Grouped by ward, the city-wide records (ward NULL) apart; left out unless asked for.
    ward_filter = {} if city_wide else {"ward__isnull": False}
    (expected_values, initiative_count, section_count), (value_counts, progress_counts) = _counts(
        [indicators, initiatives, sections],
        by_ward_and_status=[
            IndicatorValue.objects.visible_to(scope)
            .filter(fiscal_year=fiscal_year, kind=ValueKind.ACTUAL, **ward_filter)
            .filter(indicator__in=indicators),
            InitiativeProgress.objects.visible_to(scope)
            .filter(fiscal_year=fiscal_year, **ward_filter)
            .filter(Q(initiative__in=initiatives) | Q(section__in=sections)),
        ],
    )
    expected_progress = initiative_count + section_count
    rows = []
    for ward in [None, *wards] if city_wide else wards:
        ward_id = getattr(ward, "pk", None)
        parts = {}
        for name, expected, counts in (
            ("indicator_values", expected_values, value_counts),
            ("initiative_progress", expected_progress, progress_counts),
        ):
            by_status = {s: counts.get((ward_id, s), 0) for s in Status.values}
            if not scope.sees_unapproved(ward_id):
                by_status = {Status.APPROVED: by_status[Status.APPROVED]}
            recorded = sum(by_status.values())
            parts[name] = {
                "expected": expected,
                **by_status,
                "missing": max(expected - recorded, 0),
                "completeness": round(by_status[Status.APPROVED] / expected, 3)
                if expected
                else None,
            }
        rows.append({"ward": ward, **parts})
    return rows


def reporting_matrix(wards, *, fiscal_year: int, city_wide_for=None) -> dict:
    """Which records each ward has for a fiscal year: rows are what a ward reports
    (``_expected_reports``: the indicators' actual values, then the initiatives and the
    sections without one), columns the wards, each cell the record's status or None where it
    is missing. For staff: it shows unapproved records of ``wards``. Five queries.

    With ``city_wide_for`` (a user or an ``access.Scope``), a first column (None) holds the
    city-wide records' statuses as far as that user sees them: every status where their
    scope takes in the city's unapproved records (planners), else approved ones only. The
    result's ``columns`` are then None and the wards (else the wards), each row's
    ``labelled`` its (column, status) pairs, ``cells`` the wards' statuses alone."""
    from programs.models import InitiativeProgress

    wards = list(wards)
    city_wide = city_wide_for is not None
    columns = [None, *wards] if city_wide else wards
    indicators, initiatives, sections = _expected_reports()

    def of_the_columns(model):
        """The model's records of the wards and, if asked for, the city-wide ones the user
        sees."""
        records = model.objects.filter(ward__in=wards)
        if city_wide:
            scope = access.scope_of(city_wide_for)
            city = model.objects.filter(ward__isnull=True).visible_to(scope)
            if not scope.sees_unapproved(None):
                city = city.filter(status=Status.APPROVED)
            records = records | city
        return records.filter(fiscal_year=fiscal_year).order_by()

    values = {
        (ward_id, indicator_id): status
        for ward_id, indicator_id, status in of_the_columns(IndicatorValue)
        .filter(kind=ValueKind.ACTUAL)
        .values_list("ward_id", "indicator_id", "status")
    }
    progress = {
        (ward_id, initiative_id, section_id): status
        for ward_id, initiative_id, section_id, status in of_the_columns(
            InitiativeProgress
        ).values_list("ward_id", "initiative_id", "section_id", "status")
    }

    def row(what: str, subject, key) -> dict:
        found = [key(getattr(column, "pk", None)) for column in columns]
        return {
            "what": what,
            "subject": subject,
            "cells": found[1:] if city_wide else found,
            "labelled": list(zip(columns, found, strict=True)),
        }

    return {
        "wards": wards,
        "columns": columns,
        "indicator_rows": [
            row("indicator_value", i, lambda w, i=i: values.get((w, i.pk)))
            for i in indicators.select_related("pillar")
        ],
        "progress_rows": [
            row("initiative_progress", i, lambda w, i=i: progress.get((w, i.pk, None)))
            for i in initiatives.select_related("pillar", "section__pillar")
        ]
        + [
            row("initiative_progress", s, lambda w, s=s: progress.get((w, None, s.pk)))
            for s in sections.select_related("pillar")
        ],
    }


@dataclass(frozen=True)
class Gap:
    """Something a ward still owes for a fiscal year: a missing record or a draft."""

    what: str  # "indicator_value" or "initiative_progress"
    subject: object  # the Indicator, Initiative or Section
    status: str | None  # None when missing, else the record's status (draft)


def reporting_gaps(wards, *, fiscal_year: int) -> dict[int, list[Gap]]:
    """Per ward id, what the ward still owes for the fiscal year (missing records and
    drafts), read off ``reporting_matrix`` in its order (indicators first). Wards with
    nothing owed map to an empty list."""
    matrix = reporting_matrix(wards, fiscal_year=fiscal_year)
    gaps: dict[int, list[Gap]] = {ward.pk: [] for ward in matrix["wards"]}
    for row in matrix["indicator_rows"] + matrix["progress_rows"]:
        for ward, status in zip(matrix["wards"], row["cells"], strict=True):
            if status in (None, Status.DRAFT):
                gaps[ward.pk].append(Gap(row["what"], row["subject"], status))
    return gaps


def _counts(querysets, *, by_ward_and_status) -> tuple[list[int], list[dict]]:
    """``[q.count() for q in querysets]``, and for each of ``by_ward_and_status`` its records
    counted by ward and status ({(ward id, status): n}), in one query: a UNION ALL of
    tagged counts."""
    from django.db.models import CharField, IntegerField, Value

    def tagged(queryset, part: int, **group):
        return (
            queryset.order_by()
            .annotate(part=Value(part, output_field=IntegerField()))
            .values("part", **group)
            .annotate(n=Count("pk"))
            .values_list("part", *group, "n")
        )

    grouped = len(by_ward_and_status)
    parts = [
        tagged(queryset, n, w=F("ward_id"), s=F("status"))
        for n, queryset in enumerate(by_ward_and_status)
    ] + [
        tagged(
            queryset,
            grouped + n,
            w=Value(None, output_field=IntegerField()),
            s=Value(None, output_field=CharField()),
        )
        for n, queryset in enumerate(querysets)
    ]
    totals: dict[int, int] = defaultdict(int)
    by_status: list[dict] = [{} for _ in by_ward_and_status]
    for part, ward_id, status, n in parts[0].union(*parts[1:], all=True):
        if part < grouped:
            by_status[part][ward_id, status] = n
        else:
            totals[part - grouped] += n
    return [totals[n] for n in range(len(querysets))], by_status


# --- Reads for the pages ----------------------------------------------------------------


def plan_reach(plan=None) -> tuple[int, int] | None:
    """The fiscal years progress can be reported for: the plan's period where the plan
    states it, else the span of the plan's own indicator years (baseline to last target);
    either way extended to the latest target year, a revised one included. Of the current
    plan unless ``plan`` is given. Registered (for the current plan) as
    ``infrastructure.fiscal_year.reporting_reach``, which every layer asks."""
    from programs.selectors import current_plan

    plan = plan or current_plan()
    if plan is None:
        return None
    return plan_reaches([plan])[plan.pk]


def plan_reaches(plans) -> dict[int, tuple[int, int] | None]:
    """``plan_reach`` of each of ``plans``, by the plan's id, in the same queries whatever
    their number (the prefecture's view): the last target year of every plan in one, the
    span of the plan values of those stating no period in another (none if all state one)."""
    from django.db.models import Max, Min

    plans = list(plans)
    if not plans:
        return {}
    last_targets = dict(
        Target.objects.filter(indicator__plan__in=plans)
        .order_by()
        .values("indicator__plan")
        .annotate(last=Max("fiscal_year"))
        .values_list("indicator__plan", "last")
    )
    without_period = [plan for plan in plans if not (plan.period_start and plan.period_end)]
    spans = {}
    if without_period:
        spans = {
            row["indicator__plan"]: row
            for row in IndicatorValue.objects.filter(
                origin=ValueOrigin.PLAN, indicator__plan__in=without_period
            )
            .order_by()
            .values("indicator__plan")
            .annotate(first=Min("fiscal_year"), last=Max("fiscal_year"))
        }
    reaches: dict[int, tuple[int, int] | None] = {}
    for plan in plans:
        last_target = last_targets.get(plan.pk)
        if plan.period_start and plan.period_end:
            reaches[plan.pk] = (plan.period_start, max(plan.period_end, last_target or 0))
            continue
        span = spans.get(plan.pk, {})
        years = [y for y in (span.get("first"), span.get("last"), last_target) if y is not None]
        reaches[plan.pk] = (min(years), max(years)) if years else None
    return reaches


def reporting_years(plan=None) -> list[int]:
    """The fiscal years the pages offer: the plan's reach (the current plan's by default)."""
    reach = plan_reach(plan)
    return list(range(reach[0], reach[1] + 1)) if reach else []


def default_fiscal_year(plan=None) -> int:
    """The fiscal year shown when none is asked for: the latest fiscal year within the plan's
    reach (``plan_reach``, the years every year selector offers) with approved data of the
    plan (the current plan by default), an approved actual of one of its indicators (a
    ward's or the city's) or an approved report on one of its initiatives or sections;
    else the reach's first year. Always one of ``reporting_years(plan)``, so the selector
    offers the year the page shows: a plan's own figure from before its period (the
    actual the plan document was written on) does not take the pages out of it. The
    current fiscal year only where no plan is loaded.

    The one rule every door that picks a year by itself asks: the pages (home, pillars,
    indicators, wards, やさしい日本語, the completeness view) and the API's dashboard."""
    from programs.selectors import current_plan

    plan = plan or current_plan()
    if plan is None:
        return current_fiscal_year()
    return default_fiscal_years([plan])[plan.pk]


def default_fiscal_years(plans, reaches: dict | None = None) -> dict[int, int]:
    """``default_fiscal_year`` of each of ``plans``, by the plan's id, in the same queries
    whatever their number (the prefecture's view); ``reaches``: ``plan_reaches``' answer,
    where the caller has it."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce

    from programs.models import InitiativeProgress

    plans = list(plans)
    if reaches is None:
        reaches = plan_reaches(plans)
    in_reach = [(plan, reaches[plan.pk]) for plan in plans if reaches.get(plan.pk)]
    found: dict[int, int] = {plan.pk: current_fiscal_year() for plan in plans}
    if not in_reach:
        return found
    actual_in_reach, reported_in_reach = Q(pk__in=[]), Q(pk__in=[])
    for plan, (first, last) in in_reach:
        years = Q(fiscal_year__gte=first, fiscal_year__lte=last)
        actual_in_reach |= Q(indicator__plan=plan) & years
        of_plan = Q(initiative__pillar__plan=plan) | Q(section__pillar__plan=plan)
        reported_in_reach |= of_plan & years
    actual = (
        IndicatorValue.objects.visible_to(access.PUBLIC)
        .filter(actual_in_reach, kind=ValueKind.ACTUAL)
        .order_by()
        .values("indicator__plan")
        .annotate(latest=Max("fiscal_year"))
        .values_list("indicator__plan", "latest")
    )
    reported = (
        InitiativeProgress.objects.visible_to(access.PUBLIC)
        .filter(reported_in_reach)
        .annotate(of_plan=Coalesce("initiative__pillar__plan", "section__pillar__plan"))
        .order_by()
        .values("of_plan")
        .annotate(latest=Max("fiscal_year"))
        .values_list("of_plan", "latest")
    )
    latest: dict[int, list[int]] = defaultdict(list)
    for plan_id, year in [*actual, *reported]:
        if year is not None:
            latest[plan_id].append(year)
    for plan, (first, _last) in in_reach:
        found[plan.pk] = max(latest[plan.pk], default=first)
    return found


def indicators_with_progress(
    *, up_to: int | None, ward_id: int | None = None, plan=None, related: bool = True
) -> list:
    """Every indicator of the plan (the current plan by default), with pillar and section,
    in plan order, paired with its progress. Unless ``related`` is false: then without pillar
    and section and in no particular order (what ``pillar_summaries`` needs: the pillar's
    id)."""
    from programs.selectors import current_plan

    indicators = Indicator.objects.filter(plan=plan or current_plan())
    if related:
        indicators = indicators.select_related("pillar", "section")
    else:
        fields = ("pk", "pillar_id", "unit", "direction", "source")
        indicators = indicators.only(*fields).order_by()  # the ordering would join pillars
    indicators = list(indicators)
    progress = progress_by_indicator(indicators, up_to=up_to, ward_id=ward_id)
    return [(indicator, progress[indicator.pk]) for indicator in indicators]


def plan_figures(indicator: Indicator) -> list[dict]:
    """The figures the plan document prints for an indicator (baseline, actuals and its
    original target), in year order, for the indicator page."""
    rows = [
        {
            "kind": ValueKind(v.kind).label,
            "fiscal_year": v.fiscal_year,
            "value": v.value,
            "as_of": v.as_of,
            "note": v.note,
        }
        for v in indicator.values.filter(origin=ValueOrigin.PLAN)
    ] + [
        {
            "kind": ValueKind.TARGET.label,
            "fiscal_year": t.fiscal_year,
            "value": t.value,
            "as_of": t.as_of,
            "note": t.note,
        }
        for t in indicator.targets.filter(origin=ValueOrigin.PLAN)
    ]
    return sorted(rows, key=lambda row: row["fiscal_year"])


def ward_value_table(indicator: Indicator, user) -> dict:
    """The indicator's actuals by fiscal year (rows) and ward (columns, city-wide first),
    as the user may see them: the public sees approved values, staff also their drafts."""
    from community.models import Ward

    wards = list(Ward.objects.all())
    values = (
        IndicatorValue.objects.filter(indicator=indicator, kind=ValueKind.ACTUAL)
        .visible_to(user)
        .order_by()
    )
    cells = {(v.fiscal_year, v.ward_id): v for v in values}
    years = sorted({year for year, _ in cells})
    return {
        "wards": wards,
        "rows": [
            {
                "fiscal_year": year,
                "cells": [cells.get((year, None))] + [cells.get((year, w.pk)) for w in wards],
            }
            for year in years
        ],
    }


def recent_approvals(limit: int = 8):
    """The latest approvals, for 'what changed recently'."""
    from .models import IndicatorValueTransition

    return (
        IndicatorValueTransition.objects.filter(transition="approve")
        .select_related("record__indicator", "record__ward")
        .order_by("-at")[:limit]
    )
