"""The one definition of an indicator's progress: achievement rate, expected progress and
the verdict (rating and status). The API, the pages, exports and reports all call
``indicator_progress``.

- achievement rate = (latest actual − baseline) / (target − baseline) × 100, one decimal;
  the same formula serves decreasing indicators (both differences are negative).
- expected progress = (actual's fiscal year − baseline year) / (target year − baseline year),
  clamped to 0–1: how far along the road the plan expected to be by then.
- the verdict: the band of the city's rating rule (``indicators.rating_rules``) the figures
  fall in; the status is that band's group. After the target year the verdict is final.
- pace = (achievement rate / 100) ÷ expected progress, shown beside the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import STATUS_MARKS, BandUse, Direction, ProgressStatus
from .rating_labels import rating_label_lazy
from .rating_rules import Band, Rule, Situation, pace_of

__all__ = ["Point", "Progress", "ProgressStatus", "Rating", "compute_progress"]


@dataclass(frozen=True)
class Point:
    fiscal_year: int
    value: Decimal


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    # The band's code is its word (「達成」, 「未達成」 of the final bands), not a letter.
    code_is_label: bool = False

    @classmethod
    def of(cls, band: Band) -> Rating:
        # Translated when shown: a progress computed once is cached for every language.
        return cls(band.code, rating_label_lazy(band.label, band.label_en), band.code == band.label)

    @property
    def text(self) -> str:
        """The rating as read: 「B 概ね順調」, or only the word where the code is the word
        (「未達成」, not 「未達成 未達成」)."""
        label = str(self.label)
        if self.code_is_label or not self.code or self.code == label:
            return label
        return f"{self.code} {label}"


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
    final: bool = False  # judged after the target year
    measure: Decimal | None = None  # what the rule's bands were compared with

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

    @property
    def status_mark(self) -> str:
        return STATUS_MARKS[self.status]

    @property
    def behind(self) -> bool:
        """Whether the indicator needs attention: behind during the plan, or its target
        missed after it (the pages' 要注意, the admin's 遅れ filter)."""
        return self.status in (ProgressStatus.BEHIND, ProgressStatus.NOT_ACHIEVED)

    @property
    def verdict_parts(self) -> tuple[str, str]:
        """(status, rating) as a verdict reads once: the status's word, then the rating's
        text where it says something the status did not (「未達成」 once, not
        「未達成 未達成」; 「順調」 then 「B 概ね順調」)."""
        status = self.status_label
        rating = self.rating.text if self.rating else ""
        return status, ("" if rating == status else rating)

    @property
    def verdict_text(self) -> str:
        """The verdict on one line (the workbook's cell)."""
        return " ".join(part for part in self.verdict_parts if part)


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
    rule: Rule | None = None,
    as_of: int | None = None,
    survey_percentage: bool = False,
) -> Progress:
    """Progress and verdict from already-approved points, as of fiscal year ``as_of`` (the
    latest actual's year if None), under ``rule`` (the ``pace`` preset if None).

    The verdict is final once the target year is over (``as_of`` past it) or its actual is
    in: it is judged on the latest actual of the target year or later, and without one it is
    ``no_data`` while the latest earlier actual is still shown."""
    rule = rule or Rule.preset()
    later = [p for p in actuals if baseline is None or p.fiscal_year > baseline.fiscal_year]
    latest = max(later, key=lambda p: p.fiscal_year, default=None)
    no_data = rule.band_of(BandUse.NO_DATA, ProgressStatus.NO_DATA)
    if baseline is None or target is None or latest is None:
        return Progress(
            baseline,
            target,
            latest,
            None,
            None,
            None,
            ProgressStatus(no_data.group),
            Rating.of(no_data),
        )

    rate = achievement_rate(baseline, target, latest)
    expected = expected_progress(baseline, target, latest)
    situation = Situation(
        direction=direction,
        baseline_year=baseline.fiscal_year,
        baseline=baseline.value,
        target_year=target.fiscal_year,
        target=target.value,
        actual_year=latest.fiscal_year,
        actual=latest.value,
        achievement_rate=rate,
        expected_progress=expected,
        survey_percentage=survey_percentage,
    )
    pace = pace_of(situation)
    meets = reaches_target(direction, latest.value, target.value)
    as_of = latest.fiscal_year if as_of is None else as_of
    final = as_of > target.fiscal_year or latest.fiscal_year >= target.fiscal_year
    measure = None
    if not final:
        measure = rule.measure(situation)
        band = rule.band_in_progress(measure, meets_target=meets)
    elif latest.fiscal_year < target.fiscal_year:
        band = no_data  # the target year is over and its figure never came
    else:
        band = rule.band_of(
            BandUse.FINAL, ProgressStatus.ACHIEVED if meets else ProgressStatus.NOT_ACHIEVED
        )
    return Progress(
        baseline,
        target,
        latest,
        rate,
        expected,
        pace,
        ProgressStatus(band.group),
        Rating.of(band),
        final=final,
        measure=measure,
    )
