"""Evaluations (施策評価): per fiscal year, a stage's verdict on a pillar, a section or an
initiative of the plan, with the reasons behind it and the course set. The same workflow,
history and optimistic locking as progress records (``infrastructure.workflow``); who
writes which stage is ``infrastructure.policy``' rule for records kept per department."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.models import copied_municipality_key
from infrastructure.fiscal_year import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, fiscal_year_label
from infrastructure.punctuation import joined
from infrastructure.text import MAX_EVALUATION, PlainCharField, PlainTextField
from infrastructure.workflow import TransitionLog, WorkflowRecord
from programs.models import SUBJECT_KINDS, OneSubject, one_subject_constraint

from .choices import STAGE_ORDER, Direction, EvaluationStage

SUBJECTS = SUBJECT_KINDS

#: Plan order: the pillar's number, the section's, the initiative's (a pillar's own
#: evaluation before its sections', a section's before its initiatives'), then the stages.
PLAN_ORDER = [
    "fiscal_year",
    Coalesce("pillar__number", "section__pillar__number", "initiative__pillar__number").asc(),
    Coalesce("section__number", "initiative__section__number").asc(nulls_first=True),
    F("initiative__number").asc(nulls_first=True),
    Case(
        *[When(stage=stage, then=Value(position)) for position, stage in enumerate(STAGE_ORDER)],
        default=Value(len(STAGE_ORDER)),
    ).asc(),
]


class Evaluation(OneSubject, WorkflowRecord):
    """One stage's evaluation of a pillar, a section or an initiative for a fiscal year: the
    rating (a code of the active rating rule), 成果, 要因分析, 課題, 今後の方向性 and a
    comment. The 一次評価 of a section or initiative is its department's (所管課); the rest is
    the planners'."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the
    # pillar, the section or the initiative
    tenant_path = "municipality"
    tenant_source = ("pillar", "section", "initiative")

    SUBJECTS = SUBJECT_KINDS

    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    pillar = models.ForeignKey(
        "programs.Pillar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("施策"),
        help_text=_("施策全体の評価のとき。"),
    )
    section = models.ForeignKey(
        "programs.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("施策の項目"),
    )
    initiative = models.ForeignKey(
        "programs.Initiative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("取組施策"),
    )
    municipality = copied_municipality_key()
    stage = models.CharField(_("評価段階"), max_length=10, choices=EvaluationStage.choices)
    rating = models.CharField(
        _("評価"), max_length=5, blank=True, help_text=_("評価基準の区分（A、B、C、D など）。")
    )
    results = PlainTextField(_("成果"), max_length=MAX_EVALUATION, blank=True)
    analysis = PlainTextField(_("要因分析"), max_length=MAX_EVALUATION, blank=True)
    issues = PlainTextField(_("課題"), max_length=MAX_EVALUATION, blank=True)
    direction = models.CharField(
        _("今後の方向性"), max_length=10, choices=Direction.choices, blank=True
    )
    comment = PlainTextField(_("意見"), max_length=MAX_EVALUATION, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("施策評価")
        verbose_name_plural = pgettext_lazy("plural", "施策評価")
        ordering = PLAN_ORDER
        constraints = [
            one_subject_constraint(SUBJECTS, name="evaluation_has_one_subject"),
            models.CheckConstraint(
                condition=Q(stage__in=EvaluationStage.values), name="evaluation_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["", *Direction.values]),
                name="evaluation_direction_valid",
            ),
            *[
                models.UniqueConstraint(
                    fields=["fiscal_year", subject, "stage"],
                    condition=Q(**{f"{subject}__isnull": False}),
                    name=f"evaluation_unique_{subject}_stage",
                    violation_error_message=_(
                        "この項目・年度・評価段階の評価はすでに登録されています。"
                        "既存の評価を編集してください。"
                    ),
                )
                for subject in SUBJECTS
            ],
        ]

    def __str__(self) -> str:
        return (
            f"{self.subject_code} {fiscal_year_label(self.fiscal_year)} {self.get_stage_display()}"
        )

    @property
    def department(self):
        """The subject's department (所管課); None for a pillar or an item without one."""
        subject = self.subject
        return getattr(subject, "department", None) if subject is not None else None

    @property
    def department_id(self) -> int | None:
        if self.section_id:
            return self.section.department_id
        if self.initiative_id:
            return self.initiative.department_id
        return None

    @property
    def pillar_number(self) -> int | None:
        subject = self.subject
        if subject is None:
            return None
        return subject.number if self.pillar_id else subject.pillar.number

    def clean(self) -> None:
        super().clean()
        if not self.has_one_subject():
            raise ValidationError(
                _("評価する施策・施策の項目・取組施策のどれか一つを指定してください。")
            )
        if self.rating:
            from indicators.selectors import rating_codes

            codes = rating_codes()
            if self.rating not in codes:
                raise ValidationError(
                    {
                        "rating": gettext(
                            "評価「%(rating)s」は使えません。%(codes)sのいずれかです。"
                        )
                        % {"rating": self.rating, "codes": joined(codes, "・")}
                    }
                )


class EvaluationTransition(TransitionLog):
    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "record__municipality"
    record = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("施策評価"),
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("施策評価の承認履歴")
        verbose_name_plural = pgettext_lazy("plural", "施策評価の承認履歴")


class EvaluationYear(models.Model):
    """What a planner records of a fiscal year's evaluation for the report's introduction:
    the external committee (外部評価委員会, 審議会) that gave its opinion and its meetings."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the plan
    tenant_path = "municipality"
    tenant_source = "plan"
    municipality = copied_municipality_key()

    plan = models.ForeignKey(
        "programs.Plan",
        on_delete=models.CASCADE,
        related_name="evaluation_years",
        verbose_name=_("計画"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    committee_name = PlainCharField(
        _("委員会の名称"),
        max_length=100,
        blank=True,
        help_text=_("意見を聴いた外部の委員会・審議会の名称（例：地域福祉計画推進委員会）。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価の年度（委員会）")
        verbose_name_plural = pgettext_lazy("plural", "評価の年度（委員会）")
        ordering = ["plan", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"],
                name="evaluation_year_unique",
                violation_error_message=_("この計画のこの年度はすでにあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{fiscal_year_label(self.fiscal_year)} {self.committee_name}".strip()


class CommitteeMeeting(models.Model):
    """One meeting of the year's committee: its date and what it was for."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the year
    tenant_path = "municipality"
    tenant_source = "year"
    municipality = copied_municipality_key()

    year = models.ForeignKey(
        EvaluationYear,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("評価の年度"),
    )
    held_on = models.DateField(_("開催日"))
    note = PlainCharField(
        _("内容"), max_length=200, blank=True, help_text=_("例：第1回（一次評価の報告）")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委員会の開催")
        verbose_name_plural = pgettext_lazy("plural", "委員会の開催")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.note}".strip()
