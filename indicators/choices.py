from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """The unit of an indicator; it decides which values make sense (issue: unit-aware checks)."""

    PERCENT = "%", _("％")
    PERSONS = "人", _("人")
    SCHOOL_DISTRICTS = "校区", _("校区")
    COUNT = "件", _("件")
    TIMES = "回", _("回")
    PLACES = "か所", _("か所")


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

COUNT_UNITS = {Unit.PERSONS, Unit.SCHOOL_DISTRICTS, Unit.COUNT, Unit.TIMES, Unit.PLACES}
