"""The one definition of an indicator's progress: achievement rate, expected progress,
status and rating. The API, the pages, exports and reports all call ``indicator_progress``.

- achievement rate = (latest actual − baseline) / (target − baseline) × 100, one decimal;
  the same formula serves decreasing indicators (both differences are negative).
- expected progress = (actual's fiscal year − baseline year) / (target year − baseline year),
  clamped to 0–1: how far along the road the plan expected to be by then.
- status: ``achieved`` when the actual reaches the target in the indicator's direction;
  ``on_track`` when achievement ≥ expected progress × ``PROGRESS_ON_TRACK_FACTOR`` (0.9);
  ``behind`` otherwise; ``no_data`` without an approved actual after the baseline year.
  Where target equals baseline there is no rate, and achieved means meeting the target.
- pace = (achievement rate / 100) ÷ expected progress, rated on the planners' scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Direction


class ProgressStatus(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    ON_TRACK = "on_track", _("順調")
    BEHIND = "behind", _("遅れ")
    NO_DATA = "no_data", _("未把握")


@dataclass(frozen=True)
class Point:
    fiscal_year: int
    value: Decimal


@dataclass(frozen=True)
class Rating:
    code: str
    label: str


@dataclass(frozen=True)
class Progress:
    baseline: Point | None
    target: Point | None
    latest_actual: Point | None
    achievement_rate: Decimal | None  # percent, one decimal
    expected_progress: Decimal | None  # 0–1
    pace: Decimal | None
    status: ProgressStatus
    rating: Rating | None

    @property
    def expected_value(self) -> Decimal | None:
        """What the plan expected by the latest actual's year: linear from baseline to target."""
        if self.baseline is None or self.target is None or self.expected_progress is None:
            return None
        span = self.target.value - self.baseline.value
        return self.baseline.value + span * self.expected_progress

    @property
    def status_label(self) -> str:
        return str(self.status.label)


ONE_DECIMAL = Decimal("0.1")
FOUR_DECIMALS = Decimal("0.0001")


def reaches_target(direction: str, actual: Decimal, target: Decimal) -> bool:
    """Whether ``actual`` meets ``target`` in the indicator's direction. To maintain a level
    is to stay at or above it."""
    if direction == Direction.DECREASE:
        return actual <= target
    return actual >= target


def achievement_rate(baseline: Point, target: Point, actual: Point) -> Decimal | None:
    if target.value == baseline.value:
        return None
    rate = (actual.value - baseline.value) / (target.value - baseline.value) * 100
    return rate.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def expected_progress(baseline: Point, target: Point, actual: Point) -> Decimal:
    span = target.fiscal_year - baseline.fiscal_year
    if span <= 0:
        return Decimal(1)
    fraction = Decimal(actual.fiscal_year - baseline.fiscal_year) / Decimal(span)
    return min(max(fraction, Decimal(0)), Decimal(1)).quantize(FOUR_DECIMALS, ROUND_HALF_UP)


def compute_progress(
    *,
    direction: str,
    baseline: Point | None,
    target: Point | None,
    actuals: Iterable[Point],
    bands: list[tuple[Decimal | None, Rating]] | None = None,
) -> Progress:
    """Progress from already-approved points. ``bands`` are (minimum pace, rating) from the
    highest band down; a band without a minimum catches everything below."""
    later = [p for p in actuals if baseline is None or p.fiscal_year > baseline.fiscal_year]
    latest = max(later, key=lambda p: p.fiscal_year, default=None)
    if baseline is None or target is None or latest is None:
        return Progress(baseline, target, latest, None, None, None, ProgressStatus.NO_DATA, None)

    rate = achievement_rate(baseline, target, latest)
    expected = expected_progress(baseline, target, latest)
    pace = None
    if rate is not None and expected > 0:
        pace = (rate / 100 / expected).quantize(FOUR_DECIMALS, ROUND_HALF_UP)

    if reaches_target(direction, latest.value, target.value):
        status = ProgressStatus.ACHIEVED
    elif rate is not None and rate / 100 >= expected * _on_track_factor():
        status = ProgressStatus.ON_TRACK
    else:
        status = ProgressStatus.BEHIND

    rating = None
    if pace is not None and bands:
        rating = next((r for minimum, r in bands if minimum is None or pace >= minimum), None)
    return Progress(baseline, target, latest, rate, expected, pace, status, rating)


def _on_track_factor() -> Decimal:
    return Decimal(str(getattr(settings, "PROGRESS_ON_TRACK_FACTOR", "0.9")))
