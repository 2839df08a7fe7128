from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """What an indicator's unit measures: it decides which values make sense and whether
    the city's figure is the sum of its areas' (docs/plan-data.md, "Units"). The units
    themselves are data: each plan folder declares the ones its indicators use
    (``indicators.models.Unit``)."""

    COUNT = "count", _("数")
    PERCENTAGE = "percentage", _("割合")
    MONEY = "money", _("金額")
    MEASURE = "measure", _("その他の量")


# The kinds whose city-wide figure is the sum of the areas' figures: an area's own target
# and baseline only, never the city's, and on a chart the city on an axis of its own.
SUMMED_KINDS = frozenset({UnitKind.COUNT, UnitKind.MONEY})
# The unit that counts elementary-school districts (小学校区): an actual in it is at most
# the number of districts imported (community.SchoolDistrict).
SCHOOL_DISTRICT_UNIT = "校区"


class Direction(models.TextChoices):
    INCREASE = "increase", _("増加をめざす")
    DECREASE = "decrease", _("減少をめざす")
    MAINTAIN = "maintain", _("維持をめざす")


class ValueKind(models.TextChoices):
    BASELINE = "baseline", _("基準値")
    ACTUAL = "actual", _("実績値")
    TARGET = "target", _("目標値")


class ValueOrigin(models.TextChoices):
    """Where a value came from: the plan document, or progress reporting."""

    PLAN = "plan", _("計画書")
    ENTRY = "entry", _("進捗入力")
    DERIVED = "derived", _("自動計算")


class Derivation(models.TextChoices):
    """How an indicator's actuals are computed from the community's records, if they are."""

    NONE = "", _("入力する（計算しない）")
    DISTRICTS_IN_ACTION = "districts_in_action", _("活動の展開以降に到達した小学校区の数")
    HEALTH_VOLUNTEERS = "health_volunteers", _("健康づくりボランティアの人数の合計")


class RecordedKind(models.TextChoices):
    """The kinds an IndicatorValue records; targets are records of their own (Target)."""

    BASELINE = ValueKind.BASELINE.value, ValueKind.BASELINE.label
    ACTUAL = ValueKind.ACTUAL.value, ValueKind.ACTUAL.label


RECORDED_KINDS = RecordedKind.choices
# Where a target came from: the plan document (load_plan) or a planner.
TARGET_ORIGINS = [(o.value, o.label) for o in (ValueOrigin.PLAN, ValueOrigin.ENTRY)]


class ProgressStatus(models.TextChoices):
    """進捗状況: the group of the rating band an indicator falls in (the rule's verdict)."""

    ACHIEVED = "achieved", _("達成")
    ON_TRACK = "on_track", _("順調")
    BEHIND = "behind", _("遅れ")
    NOT_ACHIEVED = "not_achieved", _("未達成")
    NO_DATA = "no_data", _("未把握")


# The marks beside the words, wherever a status is shown (pages, reports, exports).
STATUS_MARKS = {
    ProgressStatus.ACHIEVED: "◎",
    ProgressStatus.ON_TRACK: "○",
    ProgressStatus.BEHIND: "△",
    ProgressStatus.NOT_ACHIEVED: "×",
    ProgressStatus.NO_DATA: "－",
}


class BandUse(models.TextChoices):
    """When a rating band applies: during the plan on the rule's measure, as the final
    verdict after the target year, or without an actual."""

    IN_PROGRESS = "in_progress", _("計画期間中")
    FINAL = "final", _("目標年度後")
    NO_DATA = "no_data", _("実績なし")


# The groups a band of each use may declare.
BAND_GROUPS = {
    BandUse.IN_PROGRESS: (ProgressStatus.ACHIEVED, ProgressStatus.ON_TRACK, ProgressStatus.BEHIND),
    BandUse.FINAL: (ProgressStatus.ACHIEVED, ProgressStatus.NOT_ACHIEVED),
    BandUse.NO_DATA: (ProgressStatus.NO_DATA,),
}


class RulePreset(models.TextChoices):
    """The rating rules a city may choose (評価基準); their bands stay editable."""

    PACE = "pace", _("進捗の速さ（達成率÷期待進捗）")
    FUKUOKA = "fukuoka", _("福岡市方式（a・b・c）")
    ATTAINMENT = "attainment", _("達成率")
    STATCAN = "statcan", _("カナダ統計局方式（Open SDG）")
