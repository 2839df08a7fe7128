"""Reads of indicators and progress shared by the API, the pages, exports and reports.

Progress is computed from approved values only, so a summary is the same for every reader and
can be cached; the cache key carries a generation number that every change to progress data
moves on (``bump_generation``), so nobody is served a summary older than the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q

from kumamoto_welfare.workflow import Status

from .choices import ValueKind
from .models import Indicator, IndicatorValue, RatingBand
from .progress import Point, Progress, ProgressStatus, Rating, compute_progress

GENERATION_KEY = "progress-data-generation"
CACHE_SECONDS = 60 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def cached(name: str, compute, *parts):
    """``compute()`` cached under ``name`` and ``parts`` for the current data generation."""
    key = ":".join(str(p) for p in (name, generation(), *parts))
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def rating_bands() -> list[tuple[Decimal | None, Rating]]:
    """The active scale's bands, highest first, the floor band last."""
    bands = RatingBand.objects.filter(scale__is_active=True).order_by(RatingBand._meta.ordering[-1])
    return [(band.min_pace, Rating(band.code, band.label)) for band in bands]


def progress_by_indicator(
    indicators: Iterable[Indicator], *, ward_id: int | None = None, up_to: int | None = None
) -> dict[int, Progress]:
    """Progress of each indicator (by id): the city's baseline and target, and the latest
    approved actual of the city (or of ``ward_id``) up to fiscal year ``up_to``.
    Two queries, whatever the number of indicators."""
    indicators = list(indicators)
    wanted = Q(ward__isnull=True, kind__in=[ValueKind.BASELINE, ValueKind.TARGET])
    wanted |= Q(kind=ValueKind.ACTUAL) & (Q(ward_id=ward_id) if ward_id else Q(ward__isnull=True))
    values = IndicatorValue.objects.filter(
        wanted, indicator__in=indicators, status=Status.APPROVED
    ).values_list("indicator_id", "kind", "fiscal_year", "value")
    points: dict[int, dict[str, list[Point]]] = defaultdict(lambda: defaultdict(list))
    for indicator_id, kind, fiscal_year, value in values:
        if kind == ValueKind.ACTUAL and up_to is not None and fiscal_year > up_to:
            continue
        points[indicator_id][kind].append(Point(fiscal_year, value))
    bands = rating_bands()

    def latest(found: list[Point]) -> Point | None:
        return max(found, key=lambda p: p.fiscal_year, default=None)

    return {
        indicator.pk: compute_progress(
            direction=indicator.direction,
            baseline=latest(points[indicator.pk][ValueKind.BASELINE]),
            target=latest(points[indicator.pk][ValueKind.TARGET]),
            actuals=points[indicator.pk][ValueKind.ACTUAL],
            bands=bands,
        )
        for indicator in indicators
    }


@dataclass(frozen=True)
class SeriesPoint:
    kind: str
    fiscal_year: int
    value: Decimal


def indicator_series(indicator: Indicator, *, ward_id: int | None = None) -> dict:
    """The ordered baseline, actual and target points (approved only), and the expected
    trajectory: a straight line from baseline to target, one point per fiscal year."""
    progress = progress_by_indicator([indicator], ward_id=ward_id)[indicator.pk]
    actuals = IndicatorValue.objects.filter(
        indicator=indicator, kind=ValueKind.ACTUAL, status=Status.APPROVED, ward_id=ward_id
    ).order_by("fiscal_year")
    points = [SeriesPoint(v.kind, v.fiscal_year, v.value) for v in actuals]
    if progress.baseline:
        points.insert(0, SeriesPoint(ValueKind.BASELINE, *_as_tuple(progress.baseline)))
    if progress.target:
        points.append(SeriesPoint(ValueKind.TARGET, *_as_tuple(progress.target)))
    expected = []
    baseline, target = progress.baseline, progress.target
    if baseline and target and target.fiscal_year > baseline.fiscal_year:
        span = target.fiscal_year - baseline.fiscal_year
        for year in range(baseline.fiscal_year, target.fiscal_year + 1):
            share = Decimal(year - baseline.fiscal_year) / span
            value = baseline.value + (target.value - baseline.value) * share
            expected.append(Point(year, value.quantize(Decimal("0.0001"))))
    return {"progress": progress, "points": points, "expected": expected}


def _as_tuple(point: Point) -> tuple[int, Decimal]:
    return point.fiscal_year, point.value


def pillar_summaries(pillars, *, up_to: int | None) -> list[dict]:
    """Per pillar: its indicators counted by status, and their mean achievement rate."""
    indicators = list(Indicator.objects.all())
    progress = progress_by_indicator(indicators, up_to=up_to)
    summaries = []
    for pillar in pillars:
        own = [progress[i.pk] for i in indicators if i.pillar_id == pillar.pk]
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
                "mean_achievement_rate": mean,
            }
        )
    return summaries


def ward_completeness(wards, *, fiscal_year: int, include_unapproved: bool) -> list[dict]:
    """Per ward, how complete the fiscal year's reporting is: the ward's actual values of
    every indicator and its progress report on every initiative (or section without one),
    counted by workflow status; what has no record is missing. The public sees approved
    and missing only (an unapproved record counts as missing)."""
    from programs.models import Initiative, InitiativeProgress, Section

    expected_values = Indicator.objects.count()
    expected_progress = (
        Initiative.objects.count() + Section.objects.filter(initiatives__isnull=True).count()
    )
    value_counts = _status_counts(
        IndicatorValue.objects.filter(
            fiscal_year=fiscal_year, kind=ValueKind.ACTUAL, ward__isnull=False
        )
    )
    progress_counts = _status_counts(
        InitiativeProgress.objects.filter(fiscal_year=fiscal_year, ward__isnull=False)
    )
    rows = []
    for ward in wards:
        parts = {}
        for name, expected, counts in (
            ("indicator_values", expected_values, value_counts),
            ("initiative_progress", expected_progress, progress_counts),
        ):
            by_status = {s: counts.get((ward.pk, s), 0) for s in Status.values}
            if not include_unapproved:
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


def _status_counts(queryset) -> dict[tuple[int, str], int]:
    return {
        (row["ward_id"], row["status"]): row["n"]
        for row in queryset.values("ward_id", "status").annotate(n=Count("id"))
    }
