from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStage(models.TextChoices):
    """Who speaks: the responsible department (一次評価), the planners reviewing it (二次評価),
    the external committee (審議会意見)."""

    PRIMARY = "primary", _("一次評価")
    SECONDARY = "secondary", _("二次評価")
    COUNCIL = "council", _("審議会意見")


#: The stages in the order a report reads them.
STAGE_ORDER = [EvaluationStage.PRIMARY, EvaluationStage.SECONDARY, EvaluationStage.COUNCIL]


class Direction(models.TextChoices):
    """今後の方向性: the course set for the item."""

    EXPAND = "expand", _("拡充")
    CONTINUE = "continue", _("継続")
    IMPROVE = "improve", _("改善")
    REDUCE = "reduce", _("縮小")
    ABOLISH = "abolish", _("休廃止")
    COMPLETE = "complete", _("終了")
