"""The rating rules (評価基準): the one verdict of an indicator in a fiscal year.

A rule is a preset the city picks (``RulePreset``). Each has a *measure* computed here and
*bands* stored as data (``RatingBand``) that planners may edit. A band declares its group
(``ProgressStatus``), and an indicator's status is the group of its band, so status and rating
can never disagree.

Bands of three uses (``BandUse``):
- ``in_progress``: during the plan, the first band whose minimum the measure reaches, from the
  highest minimum down; the band without a minimum (the floor) catches the rest. Where the
  measure is undefined (the target equals the baseline), meeting the target earns the top band
  and missing it the floor.
- ``final``: after the target year the verdict is final, on the latest actual of the target
  year or later: the ``achieved`` band if it reaches the target, the ``not_achieved`` one if not.
- ``no_data``: no actual after the baseline year, or, after the target year, none of the
  target year or later.

The measures:
- ``pace``: achievement rate ÷ expected progress (the plan's linear road).
- ``fukuoka``: the pace; a result within ±3 points of the baseline of a percentage from a
  survey counts as 横ばい (level), not as worse than the baseline.
- ``attainment``: the achievement rate alone (1.0 = 100 %).
- ``statcan``: Statistics Canada's ratio used by Open SDG, the observed compound annual growth
  rate ÷ the rate needed to reach the target on time; linear growth where a value is not
  positive (no compound rate exists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .choices import BAND_GROUPS, BandUse, ProgressStatus, RulePreset

FOUR_DECIMALS = Decimal("0.0001")
# 横ばい: within this many percentage points of the baseline (fukuoka, survey percentages).
LEVEL_TOLERANCE_POINTS = Decimal(3)


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    group: ProgressStatus
    use: BandUse
    minimum: Decimal | None = None
    label_en: str = ""  # the English label a planner gave (the presets': the catalogue's)


@dataclass(frozen=True)
class Situation:
    """What a measure looks at: the figures of one indicator as of one year."""

    direction: str
    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    actual_year: int
    actual: Decimal
    achievement_rate: Decimal | None  # percent
    expected_progress: Decimal  # 0–1
    survey_percentage: bool = False


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(FOUR_DECIMALS, ROUND_HALF_UP)


def pace_of(s: Situation) -> Decimal | None:
    if s.achievement_rate is None or s.expected_progress <= 0:
        return None
    return _quantize(s.achievement_rate / 100 / s.expected_progress)


def _fukuoka(s: Situation) -> Decimal | None:
    pace = pace_of(s)
    if (
        pace is not None
        and pace < 0
        and s.survey_percentage
        and abs(s.actual - s.baseline) <= LEVEL_TOLERANCE_POINTS
    ):
        return Decimal(0)  # 横ばい: level with the baseline, not worse
    return pace


def _attainment(s: Situation) -> Decimal | None:
    return None if s.achievement_rate is None else _quantize(s.achievement_rate / 100)


def _statcan(s: Situation) -> Decimal | None:
    if s.target == s.baseline:
        return None
    elapsed, needed = s.actual_year - s.baseline_year, s.target_year - s.baseline_year
    if elapsed <= 0 or needed <= 0 or min(s.baseline, s.actual, s.target) <= 0:
        return pace_of(s)  # no compound rate: linear growth against the linear road
    observed = (float(s.actual) / float(s.baseline)) ** (1 / elapsed) - 1
    required = (float(s.target) / float(s.baseline)) ** (1 / needed) - 1
    return _quantize(Decimal(repr(observed / required)))


# What each preset's measure is, in words for the report's page 評価の方法 (the formulas above).
MEASURE_TEXTS = {
    RulePreset.PACE: _(
        "進捗の速さ＝（達成率÷100）÷期待進捗。期待進捗は、基準値の年度から目標年度までのうち、"
        "実績値の年度までに経過した割合（0〜1）です。1.0 は計画どおりの速さを表します。"
    ),
    RulePreset.FUKUOKA: _(
        "進捗の速さ＝（達成率÷100）÷期待進捗。ただし、アンケートによる割合（%）の指標で、"
        "実績値が基準値から±3ポイント以内のときは横ばい（0）とみなします。"
    ),
    RulePreset.ATTAINMENT: _("達成率そのもの（達成率÷100。1.0 が目標どおり）で区分します。"),
    RulePreset.STATCAN: _(
        "実際の年平均伸び率÷目標に届くために必要な年平均伸び率（複利）。"
        "値が0以下で複利の伸び率が求められないときは進捗の速さで代えます。"
    ),
}

MEASURES: dict[str, Callable[[Situation], Decimal | None]] = {
    RulePreset.PACE: pace_of,
    RulePreset.FUKUOKA: _fukuoka,
    RulePreset.ATTAINMENT: _attainment,
    RulePreset.STATCAN: _statcan,
}

_FINAL_AND_NO_DATA = (
    Band("達成", gettext_noop("達成"), ProgressStatus.ACHIEVED, BandUse.FINAL),
    Band("未達成", gettext_noop("未達成"), ProgressStatus.NOT_ACHIEVED, BandUse.FINAL),
    Band("—", gettext_noop("未把握"), ProgressStatus.NO_DATA, BandUse.NO_DATA),
)
_IN = BandUse.IN_PROGRESS
_ON, _BEHIND = ProgressStatus.ON_TRACK, ProgressStatus.BEHIND

# The bands each preset starts with (migrations load them; planners edit the copies). Labels
# are stored as written and translated when shown (``indicators.rating_labels``).
PRESET_BANDS: dict[str, tuple[Band, ...]] = {
    RulePreset.PACE: (
        Band("A", gettext_noop("順調"), _ON, _IN, Decimal("1.0")),
        Band("B", gettext_noop("概ね順調"), _ON, _IN, Decimal("0.8")),
        Band("C", gettext_noop("やや遅れ"), _BEHIND, _IN, Decimal("0.6")),
        Band("D", gettext_noop("遅れ"), _BEHIND, _IN),
        *_FINAL_AND_NO_DATA,
    ),
    RulePreset.FUKUOKA: (
        Band("a", gettext_noop("目標達成に向け順調に進んでいる"), _ON, _IN, Decimal("1.0")),
        Band("b", gettext_noop("基準値より改善（横ばいを含む）"), _BEHIND, _IN, Decimal("0")),
        Band("c", gettext_noop("基準値より後退"), _BEHIND, _IN),
        *_FINAL_AND_NO_DATA,
    ),
    RulePreset.ATTAINMENT: (
        Band("A", gettext_noop("目標達成"), ProgressStatus.ACHIEVED, _IN, Decimal("1.0")),
        Band("B", gettext_noop("概ね達成"), _ON, _IN, Decimal("0.8")),
        Band("C", gettext_noop("一定の進捗"), _BEHIND, _IN, Decimal("0.5")),
        Band("D", gettext_noop("進捗が不十分"), _BEHIND, _IN),
        *_FINAL_AND_NO_DATA,
    ),
    RulePreset.STATCAN: (
        Band("A", gettext_noop("順調"), _ON, _IN, Decimal("0.95")),
        Band("B", gettext_noop("進んでいるが加速が必要"), _BEHIND, _IN, Decimal("0.6")),
        Band("C", gettext_noop("進捗が限定的"), _BEHIND, _IN, Decimal("0")),
        Band("D", gettext_noop("悪化"), _BEHIND, _IN),
        *_FINAL_AND_NO_DATA,
    ),
}


@dataclass(frozen=True)
class Rule:
    """A rule as the verdict uses it: the preset's measure and the bands in force, with the
    rule's name as the planners left it (``label``, ``label_en``)."""

    name: str
    bands: tuple[Band, ...]
    label: str = ""
    label_en: str = ""

    @classmethod
    def preset(cls, name: str = RulePreset.PACE) -> Rule:
        return cls(name, PRESET_BANDS[name])  # named by its preset (``RulePreset``)

    def measure(self, situation: Situation) -> Decimal | None:
        return MEASURES[self.name](situation)

    def in_progress(self) -> list[Band]:
        """The bands of the plan's period, the highest minimum first, the floor last."""
        bands = [b for b in self.bands if b.use == BandUse.IN_PROGRESS]
        return sorted(bands, key=lambda b: (b.minimum is None, -(b.minimum or 0)))

    def band_in_progress(self, measure: Decimal | None, *, meets_target: bool) -> Band:
        bands = self.in_progress()
        if measure is None:
            return bands[0] if meets_target else bands[-1]
        return next(b for b in bands if b.minimum is None or measure >= b.minimum)

    def band_of(self, use: BandUse, group: ProgressStatus) -> Band:
        return next(b for b in self.bands if b.use == use and b.group == group)


def problems(bands: list[Band]) -> list[str]:
    """What makes a set of bands unusable as a rule, in words for the planner (empty: fine)."""
    found = []
    for band in bands:
        use, group = BandUse(band.use), ProgressStatus(band.group)
        if group not in BAND_GROUPS[use]:
            found.append(
                _("「%(code)s」: %(use)sの区分に「%(group)s」は使えません。")
                % {"code": band.code, "use": use.label, "group": group.label}
            )
        if use != BandUse.IN_PROGRESS and band.minimum is not None:
            found.append(
                _("「%(code)s」: %(use)sの区分には下限を設定しません。")
                % {"code": band.code, "use": use.label}
            )
    floors = [b for b in bands if b.use == BandUse.IN_PROGRESS and b.minimum is None]
    if not any(b.use == BandUse.IN_PROGRESS for b in bands) or len(floors) != 1:
        found.append(_("計画期間中の区分のうち、下限のない区分（最下位）はちょうど1つ必要です。"))
    for group in BAND_GROUPS[BandUse.FINAL]:
        if sum(1 for b in bands if b.use == BandUse.FINAL and b.group == group) != 1:
            found.append(
                _("目標年度後の区分「%(group)s」はちょうど1つ必要です。") % {"group": group.label}
            )
    if sum(1 for b in bands if b.use == BandUse.NO_DATA) != 1:
        found.append(_("実績なしの区分はちょうど1つ必要です。"))
    return [str(p) for p in found]
