"""The plan's structure: Plan > PriorityArea > Pillar > Section > Challenge / Initiative > Action.

The plan is not perfectly regular, and the models hold it as it is rather than inventing
structure: pillar 2 has no numbered sections (its challenges, initiatives and figures hang off
the pillar), and section 4-1 lists actions with no numbered initiative (they hang off the
section). Content is loaded from the YAML files by ``load_plan`` (see docs/plan-data.md).
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.areas import AREA, area_text
from community.models import (
    MunicipalityScoped,
    copied_municipality_key,
    municipality_key,
    unique_in_municipality,
)
from infrastructure.fiscal_year import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    current_fiscal_year,
    fiscal_year_of,
)
from infrastructure.text import (
    MAX_BODY,
    MAX_DESCRIPTION,
    MAX_EVALUATION,
    PlainCharField,
    PlainTextField,
)
from infrastructure.workflow import TransitionLog, WorkflowRecord

from .choices import FigureKind, ProgressState


def _unique_within_pillar_or_section(model: str, field: str) -> list[models.UniqueConstraint]:
    """``field`` is unique within the section, or within the pillar for pillar-level rows.

    Two partial constraints, because a plain unique constraint treats every NULL section as
    different and would let two pillar-level rows share a number.
    """
    return [
        models.UniqueConstraint(
            fields=["section", field],
            condition=Q(section__isnull=False),
            name=f"{model}_unique_{field}_in_section",
        ),
        models.UniqueConstraint(
            fields=["pillar", field],
            condition=Q(section__isnull=True),
            name=f"{model}_unique_{field}_in_pillar",
        ),
    ]


class PlanQuerySet(models.QuerySet):
    def current(self, *, today: datetime.date | None = None) -> Plan | None:
        """The plan the site shows by default: of the plans whose period has begun by this
        fiscal year (a plan whose data states no period counts as begun), the one that began
        last; where several began alike (or state no period), the one loaded first. If no
        plan has begun, the one that begins first. None when no plan is loaded."""
        return current_of(list(self.order_by("pk")), today=today)


def current_of(plans: list[Plan], *, today: datetime.date | None = None) -> Plan | None:
    """Of ``plans`` (in the order they were loaded), the one ``PlanQuerySet.current`` picks:
    for a caller that holds several municipalities' plans at once (the prefecture's view)."""
    year = fiscal_year_of(today) if today else current_fiscal_year()
    begun = [p for p in plans if p.period_start is None or p.period_start <= year]
    if begun:
        # max() keeps the first of equals: the plan loaded first.
        return max(begun, key=lambda p: p.period_start or 0)
    return min(plans, key=lambda p: p.period_start, default=None)


class Plan(MunicipalityScoped, models.Model):
    """A community-welfare plan (地域福祉計画) of the city, for a period of fiscal years. Its
    code is unique within its municipality."""

    tenant_path = "municipality"  # infrastructure.tenancy: how a row reaches its municipality

    code = models.SlugField(_("コード"), max_length=64)
    municipality = models.ForeignKey(
        "community.Municipality",
        on_delete=models.PROTECT,
        null=True,
        related_name="plans",
        verbose_name=_("自治体"),
    )
    title = PlainCharField(_("名称"), max_length=200)
    title_en = PlainCharField(
        _("英語の名称"), max_length=200, blank=True, help_text=_("空欄なら日本語の名称。")
    )
    period_start = models.PositiveSmallIntegerField(
        _("計画期間（開始年度）"),
        null=True,
        blank=True,
        help_text=_("西暦の年度。計画書に記載がなければ空欄。"),
    )
    period_end = models.PositiveSmallIntegerField(
        _("計画期間（終了年度）"),
        null=True,
        blank=True,
        help_text=_("西暦の年度。計画書に記載がなければ空欄。"),
    )

    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = pgettext_lazy("plural", "計画")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            ),
            *unique_in_municipality("plan", "code", _("同じコードの計画がすでにあります。")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (English where the data gives one)."""
        from django.utils.translation import get_language

        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title


class PriorityArea(models.Model):
    """A priority area of the plan (重点的取組)."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the plan
    tenant_path = "municipality"
    tenant_source = "plan"
    municipality = copied_municipality_key()

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="priority_areas", verbose_name=_("計画")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = PlainCharField(_("名称"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("重点的取組")
        verbose_name_plural = pgettext_lazy("plural", "重点的取組")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_area_unique_number")
        ]

    def __str__(self) -> str:
        return _("重点的取組%(number)s %(title)s") % {"number": self.number, "title": self.title}


class Theme(models.Model):
    """A field of welfare a pillar belongs to (分野: 高齢者, 子ども・子育て …), as the plan
    folder declares it (``themes`` in plan.yaml). Upserted by ``load_plan``, never deleted
    (pillars refer to it)."""

    code = models.SlugField(_("コード"), max_length=20, unique=True)
    name = PlainCharField(_("名称"), max_length=40)
    name_en = PlainCharField(_("英語名"), max_length=80, blank=True)

    class Meta:
        # No default ordering: ordering pillars by their theme orders by its code.
        verbose_name = _("分野")
        verbose_name_plural = pgettext_lazy("plural", "分野")

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class PillarQuerySet(models.QuerySet):
    def of_current_plan(self) -> PillarQuerySet:
        """The current plan's pillars (``Plan.objects.current()``): where a door names a
        pillar by its number, which is unique within a plan only."""
        return self.filter(plan=Plan.objects.current())


class Pillar(models.Model):
    """A policy pillar (施策) of the plan: elderly care, disability, children or health."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the plan
    tenant_path = "municipality"
    tenant_source = "plan"

    # The plan as well as the chapter, so that the database itself keeps pillar numbers
    # unique within a plan (a constraint cannot reach through the chapter). Set from the
    # chapter on save.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="pillars", verbose_name=_("計画")
    )
    municipality = copied_municipality_key()
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.CASCADE,
        related_name="pillars",
        verbose_name=_("重点的取組"),
    )
    number = models.PositiveSmallIntegerField(
        _("施策番号"), help_text=_("計画の中で一意（重点的取組をまたいで通し番号）。")
    )
    title = PlainCharField(_("名称"), max_length=200)
    # The column holds the theme's code (elderly, children), as before themes were data.
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="theme",
        related_name="pillars",
        verbose_name=_("分野"),
    )
    overview = PlainTextField(_("概要"), max_length=MAX_DESCRIPTION, blank=True)

    history = HistoricalRecords()

    objects = PillarQuerySet.as_manager()

    class Meta:
        verbose_name = _("施策")
        verbose_name_plural = pgettext_lazy("plural", "施策")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="pillar_unique_number_in_plan",
                violation_error_message=_("この計画にはこの番号の施策がすでにあります。"),
            ),
        ]

    def __str__(self) -> str:
        return _("施策%(number)s %(title)s") % {"number": self.number, "title": self.title}

    def save(self, *args, **kwargs) -> None:
        self._take_plan_from_chapter()
        super().save(*args, **kwargs)

    def get_theme_display(self) -> str:
        """The theme's name in the active language (高齢者; Elderly in English)."""
        return self.theme.display_name

    def clean_fields(self, exclude=None) -> None:
        self._take_plan_from_chapter()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.priority_area_id and self.priority_area.plan_id != self.plan_id:
            raise ValidationError({"priority_area": _("この重点的取組は別の計画のものです。")})

    def _take_plan_from_chapter(self) -> None:
        if self.priority_area_id and not self.plan_id:
            self.plan_id = self.priority_area.plan_id


class Section(models.Model):
    """A numbered part of a pillar (e.g. 1-2 高齢者見守り体制の強化と地域資源の把握)."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the pillar
    tenant_path = "municipality"
    tenant_source = "pillar"

    pillar = models.ForeignKey(
        Pillar, on_delete=models.CASCADE, related_name="sections", verbose_name=_("施策")
    )
    municipality = copied_municipality_key()
    number = models.PositiveSmallIntegerField(_("番号"))
    title = PlainCharField(_("名称"), max_length=200)
    department = models.ForeignKey(
        "community.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("所管課"),
        help_text=_("一次評価を行う課。計画担当が設定します（load_plan は変えません）。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("施策の項目")
        verbose_name_plural = pgettext_lazy("plural", "施策の項目")
        ordering = ["pillar__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="section_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        """``1-2``: pillar and section number, as the plan cites sections."""
        return f"{self.pillar.number}-{self.number}"


def validate_section_in_pillar(row) -> None:
    """A row with both a pillar and a section: the section must be one of that pillar's."""
    if row.section_id and row.pillar_id and row.section.pillar_id != row.pillar_id:
        raise ValidationError({"section": _("この項目は選択した施策に属していません。")})


# --- Subjects: a pillar, a section or an initiative, held in nullable foreign keys ------------

#: Every kind of subject, each a foreign key named after it: an evaluation's.
SUBJECT_KINDS = ("pillar", "section", "initiative")
#: What a ward reports progress on and an action belongs to: an initiative, or a section
#: where the plan has no numbered initiative.
ITEM_SUBJECTS = ("initiative", "section")


def one_subject_constraint(kinds: tuple[str, ...], *, name: str) -> models.CheckConstraint:
    """Exactly one of the foreign keys ``kinds`` is set (the database's check)."""
    return models.CheckConstraint(
        condition=reduce(
            or_, (Q(**{f"{kind}__isnull": kind != chosen for kind in kinds}) for chosen in kinds)
        ),
        name=name,
    )


def subject_kind(subject) -> str:
    """``pillar``, ``section`` or ``initiative``: the foreign key that holds ``subject``."""
    return subject._meta.model_name


def subject_code(subject) -> str:
    """``subject`` as the plan cites it: a pillar by its number (1), a section (1-2) or an
    initiative (1-2-1, 2-3) by its code; "" for none."""
    if subject is None:
        return ""
    return str(subject.number) if subject_kind(subject) == "pillar" else subject.code


class OneSubject:
    """A row about exactly one subject of ``SUBJECTS`` (the model's foreign keys, named after
    the kinds, in its check constraint's order: ``one_subject_constraint``). Mixed into
    ``InitiativeProgress``, ``Action`` and ``evaluations.Evaluation``."""

    SUBJECTS: tuple[str, ...] = ()

    @property
    def subject(self):
        """The pillar, section or initiative (None until one is set)."""
        for kind in self.SUBJECTS:
            if getattr(self, f"{kind}_id"):
                return getattr(self, kind)
        return None

    @subject.setter
    def subject(self, subject) -> None:
        if subject is not None and subject_kind(subject) not in self.SUBJECTS:
            raise ValueError(f"{type(self).__name__} is not about a {subject_kind(subject)}")
        for kind in self.SUBJECTS:
            setattr(self, kind, None)
        if subject is not None:
            setattr(self, subject_kind(subject), subject)

    @property
    def subject_kind(self) -> str | None:
        for kind in self.SUBJECTS:
            if getattr(self, f"{kind}_id"):
                return kind
        return None

    @property
    def subject_key(self) -> tuple[str, int] | None:
        """``(kind, pk)``, read from the row alone (no query)."""
        kind = self.subject_kind
        return None if kind is None else (kind, getattr(self, f"{kind}_id"))

    @property
    def subject_code(self) -> str:
        return subject_code(self.subject)

    @property
    def subject_kind_label(self) -> str:
        """The kind's name (施策, 施策の項目, 取組施策): its foreign key's label."""
        kind = self.subject_kind
        return str(self._meta.get_field(kind).verbose_name) if kind else ""

    @classmethod
    def about_subjects(cls, keys) -> Q:
        """Rows about any of ``keys``, ``(kind, pk, …)`` tuples (``subject_key`` first)."""
        condition = Q(pk__in=[])
        for kind in cls.SUBJECTS:
            condition |= Q(**{f"{kind}__in": [key[1] for key in keys if key[0] == kind]})
        return condition

    def has_one_subject(self) -> bool:
        return sum(bool(getattr(self, f"{kind}_id")) for kind in self.SUBJECTS) == 1


class PillarContent(models.Model):
    """Content that belongs to a section, or to the pillar itself where it has no sections."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, verbose_name=_("施策"))
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("施策の項目"),
        help_text=_("施策に項目がない場合は空欄。"),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        validate_section_in_pillar(self)


class Challenge(PillarContent):
    """A ◇ statement of 現状と課題 (the situation and its issues)."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the pillar
    tenant_path = "municipality"
    tenant_source = "pillar"
    municipality = copied_municipality_key()

    position = models.PositiveSmallIntegerField(_("順序"))
    heading = PlainCharField(
        _("小見出し"),
        max_length=200,
        blank=True,
        help_text=_("計画書の小見出し（例：①将来を見据えた課題）。"),
    )
    text = PlainTextField(_("本文"), max_length=MAX_BODY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("現状と課題")
        verbose_name_plural = pgettext_lazy("plural", "現状と課題")
        ordering = ["pillar__number", "section__number", "position"]
        default_related_name = "challenges"
        constraints = _unique_within_pillar_or_section("challenge", "position")

    def __str__(self) -> str:
        return self.text[:40]


def initiative_code(pillar_number: int, section_number: int | None, number: int) -> str:
    """The stable code of an initiative: ``1-2-1`` (施策1, 項目2, ①), ``2-3`` where the
    pillar has no sections."""
    parts = [pillar_number, section_number, number]
    return "-".join(str(part) for part in parts if part is not None)


class Initiative(PillarContent):
    """A measure the city takes (取組施策), numbered ①, ② … within its section or pillar."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the pillar
    tenant_path = "municipality"
    tenant_source = "pillar"

    municipality = copied_municipality_key()
    code = PlainCharField(
        _("コード"),
        max_length=20,
        help_text=_("施策-項目-番号（例：1-2-1）。項目のない施策では施策-番号。"),
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = PlainCharField(_("名称"), max_length=200)
    lead = PlainTextField(_("前文"), max_length=MAX_DESCRIPTION, blank=True)
    department = models.ForeignKey(
        "community.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("所管課"),
        help_text=_("一次評価を行う課。計画担当が設定します（load_plan は変えません）。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("取組施策")
        verbose_name_plural = pgettext_lazy("plural", "取組施策")
        ordering = ["pillar__number", "section__number", "number"]
        default_related_name = "initiatives"
        constraints = [
            *_unique_within_pillar_or_section("initiative", "number"),
            # The code starts with the pillar's number, which is unique within the plan:
            # unique within the pillar means unique within the plan.
            models.UniqueConstraint(fields=["pillar", "code"], name="initiative_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Action(OneSubject, models.Model):
    """One concrete action (◇ under 取組施策), of an initiative or, where the plan lists
    actions with no numbered initiative, of a section."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the
    # initiative or the section
    tenant_path = "municipality"
    tenant_source = ("initiative", "section")
    municipality = copied_municipality_key()

    SUBJECTS = ITEM_SUBJECTS

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("取組施策"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("施策の項目"),
        help_text=_("番号付きの取組施策がない項目の取組のみ。"),
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    group = PlainCharField(
        _("区分"),
        max_length=200,
        blank=True,
        help_text=_("計画書の■見出し（例：シルバー人材センター）。"),
    )
    text = PlainTextField(_("本文"), max_length=MAX_BODY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("取組")
        verbose_name_plural = pgettext_lazy("plural", "取組")
        ordering = ["initiative__code", "section__number", "position"]
        constraints = [
            one_subject_constraint(ITEM_SUBJECTS, name="action_has_one_parent"),
            models.UniqueConstraint(
                fields=["initiative", "position"],
                condition=Q(initiative__isnull=False),
                name="action_unique_position_in_initiative",
            ),
            models.UniqueConstraint(
                fields=["section", "position"],
                condition=Q(section__isnull=False),
                name="action_unique_position_in_section",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def clean(self) -> None:
        super().clean()
        if not self.has_one_subject():
            raise ValidationError(_("取組は、取組施策か施策の項目のどちらか一方に属します。"))


class Figure(PillarContent):
    """A figure (図) or boxed reference note (【参考】) of the plan, kept as text."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the pillar
    tenant_path = "municipality"
    tenant_source = "pillar"
    municipality = copied_municipality_key()

    position = models.PositiveSmallIntegerField(_("順序"))
    kind = models.CharField(_("種類"), max_length=20, choices=FigureKind.choices)
    number = models.PositiveSmallIntegerField(_("図番号"), null=True, blank=True)
    title = PlainCharField(_("表題"), max_length=200)
    text = PlainTextField(
        _("内容"),
        max_length=MAX_BODY,
        blank=True,
        help_text=_("図の中の語句を1行に1つ。絵だけの図は空欄。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("図・参考")
        verbose_name_plural = pgettext_lazy("plural", "図・参考")
        ordering = ["pillar__number", "section__number", "position"]
        default_related_name = "figures"
        constraints = [
            *_unique_within_pillar_or_section("figure", "position"),
            models.CheckConstraint(
                condition=Q(kind__in=FigureKind.values), name="figure_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == FigureKind.FIGURE and self.number:
            return _("図%(number)s %(title)s") % {"number": self.number, "title": self.title}
        return _("【参考】%(title)s") % {"title": self.title}


class InitiativeProgress(OneSubject, WorkflowRecord):
    """A ward's report on an initiative for a fiscal year (or on a section, where the plan
    has no numbered initiative): its state, what was done, the issues, next year's course
    and activity counts. Aggregate figures only: never data about a person."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the
    # initiative or the section
    tenant_path = "municipality"
    tenant_source = ("initiative", "section")

    SUBJECTS = ITEM_SUBJECTS

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress",
        verbose_name=_("取組施策"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress",
        verbose_name=_("施策の項目"),
        help_text=_("番号付きの取組施策がない項目のみ。"),
    )
    municipality = copied_municipality_key()
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    ward = models.ForeignKey(
        "community.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiative_progress",
        verbose_name=AREA,
        help_text=_("空欄は市全体。"),
    )
    state = models.CharField(
        _("進捗"), max_length=12, choices=ProgressState.choices, default=ProgressState.NOT_STARTED
    )
    results = PlainTextField(_("実績"), max_length=MAX_EVALUATION, blank=True)
    issues = PlainTextField(_("課題"), max_length=MAX_EVALUATION, blank=True)
    next_steps = PlainTextField(_("次年度の方針"), max_length=MAX_EVALUATION, blank=True)
    events_held = models.PositiveIntegerField(_("開催回数"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("参加者数"), null=True, blank=True)
    trainees = models.PositiveIntegerField(
        _("養成者数"),
        null=True,
        blank=True,
        help_text=_("例：ジュニアヘルパー、認知症サポーターの養成数。"),
    )
    source = PlainCharField(_("出典"), max_length=100, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("取組の進捗")
        verbose_name_plural = pgettext_lazy("plural", "取組の進捗")
        ordering = ["fiscal_year", "initiative__code", "section__number", "ward__position"]
        constraints = [
            one_subject_constraint(ITEM_SUBJECTS, name="progress_has_one_subject"),
            models.CheckConstraint(
                condition=Q(state__in=ProgressState.values), name="progress_state_valid"
            ),
            *[
                models.UniqueConstraint(
                    fields=[subject, "fiscal_year", *(["ward"] if per_ward else [])],
                    condition=Q(**{f"{subject}__isnull": False, "ward__isnull": not per_ward}),
                    name=f"progress_unique_{subject}_{'ward' if per_ward else 'city'}",
                    violation_error_message=area_text(
                        gettext_noop(
                            "この取組・年度・%(area)sの進捗はすでに登録されています。既存の記録を編集してください。"
                        )
                    ),
                )
                for subject in ITEM_SUBJECTS
                for per_ward in (True, False)
            ],
        ]

    @property
    def department_id(self) -> int | None:
        """The department (所管課) that reports city-wide progress (None: planners)."""
        subject = self.initiative if self.initiative_id else self.section
        return subject.department_id if subject is not None else None

    def __str__(self) -> str:
        where = self.ward if self.ward_id else gettext("市全体")
        return f"{self.subject_code} {self.fiscal_year} {where}"

    def clean(self) -> None:
        super().clean()
        if not self.has_one_subject():
            raise ValidationError(
                _(
                    "進捗は、取組施策か（取組施策のない）施策の項目のどちらか一方について記録します。"
                )
            )
        if self.section_id and self.section.initiatives.exists():
            raise ValidationError(
                {"section": _("この項目には取組施策があります。取組施策ごとに記録してください。")}
            )


class InitiativeProgressTransition(TransitionLog):
    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "record__municipality"
    record = models.ForeignKey(
        InitiativeProgress,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("取組の進捗"),
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("取組の進捗の承認履歴")
        verbose_name_plural = pgettext_lazy("plural", "取組の進捗の承認履歴")


class AnnualReportStatus(models.TextChoices):
    QUEUED = "queued", _("作成待ち")
    RUNNING = "running", _("作成中")
    READY = "ready", _("作成済み")
    FAILED = "failed", _("作成に失敗")


def report_file_path(report: AnnualReport, filename: str) -> str:
    """Where a stored report's file goes: under its municipality's code
    (``reports/<code>/…``), else ``reports/``."""
    municipality = report.municipality if report.municipality_id else None
    return f"reports/{municipality.code}/{filename}" if municipality else f"reports/{filename}"


class AnnualReport(MunicipalityScoped, models.Model):
    """The stored annual evaluation report (施策評価) of a fiscal year: the xlsx workbook,
    the printable HTML page and the council report as PDF (施策評価書), made by the worker
    from approved data. The files of the last successful run stay available, with their
    generation time, while a new one is made. One a year in each municipality."""

    tenant_path = "municipality"

    municipality = municipality_key("annual_reports")
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
    )
    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=AnnualReportStatus.choices,
        default=AnnualReportStatus.QUEUED,
    )
    xlsx = models.FileField(_("Excel（xlsx）"), upload_to=report_file_path, blank=True)
    html = models.FileField(_("印刷用HTML"), upload_to=report_file_path, blank=True)
    pdf = models.FileField(_("施策評価書（PDF）"), upload_to=report_file_path, blank=True)
    generated_at = models.DateTimeField(_("作成日時"), null=True, blank=True)
    requested_at = models.DateTimeField(_("依頼日時"), null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("バックグラウンド処理"),
    )
    error = models.TextField(_("エラー"), blank=True)

    class Meta:
        verbose_name = _("年次報告書")
        verbose_name_plural = pgettext_lazy("plural", "年次報告書")
        ordering = ["-fiscal_year"]
        constraints = unique_in_municipality(
            "annual_report", "fiscal_year", _("この年度の年次報告書はすでにあります。")
        )

    def __str__(self) -> str:
        from infrastructure.fiscal_year import fiscal_year_label

        return gettext("施策評価 %(year)s") % {"year": fiscal_year_label(self.fiscal_year)}
