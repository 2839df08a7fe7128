from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureKind(models.TextChoices):
    FIGURE = "figure", _("図")
    REFERENCE = "reference", _("参考")


class ProgressState(models.TextChoices):
    """How far an initiative got in a fiscal year, as the ward reports it."""

    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("実施中")
    COMPLETED = "completed", _("完了")
    DELAYED = "delayed", _("遅延")
