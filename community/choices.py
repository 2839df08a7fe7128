from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    """Where a community record came from: the plan document, or staff."""

    PLAN = "plan", _("計画書")
    ENTRY = "entry", _("入力")


class HealthTownPlanningStage(models.IntegerChoices):
    """The seven steps of 図１ 校区単位の健康まちづくり, in their order."""

    ANALYSIS = 1, _("健康課題の分析")
    ORGANISATIONS = 2, _("働きかける組織の決定")
    SHARING = 3, _("健康課題を分析・共有")
    GOALS = 4, _("「地域のめざす姿」・活動目標の決定")
    PLAN = 5, _("校区活動計画策定")
    ACTION = 6, _("活動の展開")
    EVALUATION = 7, _("活動の評価")


# KPI-4-1 counts a district from this step on (活動の展開, then 活動の評価).
IN_ACTION = HealthTownPlanningStage.ACTION
