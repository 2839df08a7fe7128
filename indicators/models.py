"""Outcome indicators (成果指標) and their values by fiscal year and ward."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from community.areas import AREA, area_text
from community.models import (
    MunicipalityScoped,
    copied_municipality_key,
    municipality_key,
    unique_in_municipality,
)
from infrastructure.display import figure_text
from infrastructure.fiscal_year import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, fiscal_year_label
from infrastructure.punctuation import parenthesised
from infrastructure.text import MAX_NOTE, MAX_REASON, PlainCharField, PlainTextField
from infrastructure.workflow import TransitionLog, WorkflowRecord
from programs.models import validate_section_in_pillar

from .choices import (
    BAND_GROUPS,
    RECORDED_KINDS,
    SCHOOL_DISTRICT_UNIT,
    SUMMED_KINDS,
    TARGET_ORIGINS,
    BandUse,
    Derivation,
    Direction,
    ProgressStatus,
    RulePreset,
    UnitKind,
    ValueKind,
    ValueOrigin,
)
from .rating_labels import rating_label, rule_label


def _in_english() -> bool:
    return (get_language() or "").startswith("en")


class Unit(models.Model):
    """A unit the plan's indicators are measured in (％, 人, 円 …), as the plan folder
    declares it (``units`` in plan.yaml): its kind decides which values make sense, its
    decimals how many decimal places a figure in it may have. Upserted by ``load_plan``,
    never deleted (indicators refer to it)."""

    symbol = PlainCharField(
        _("単位"),
        max_length=10,
        unique=True,
        help_text=_("データファイル・取込ファイル・APIで使う表記（例：%、人、円）。"),
    )
    label = PlainCharField(
        _("表示"), max_length=20, help_text=_("数値の横に表示する表記（例：％）。")
    )
    label_en = PlainCharField(_("英語の表示"), max_length=40, blank=True)
    kind = models.CharField(_("種類"), max_length=12, choices=UnitKind.choices)
    decimals = models.PositiveSmallIntegerField(
        _("小数の桁数"),
        default=0,
        validators=[MaxValueValidator(4)],
        help_text=_("この単位の値が持てる小数の桁数の上限。"),
    )

    class Meta:
        verbose_name = _("単位")
        verbose_name_plural = pgettext_lazy("plural", "単位")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=UnitKind.COUNT) | Q(decimals=0), name="unit_count_is_whole"
            ),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="unit_decimals_stored"),
        ]

    def __str__(self) -> str:
        return self.symbol

    @property
    def display_label(self) -> str:
        """The label in the active language (％, 人; people in English)."""
        return self.label_en if _in_english() and self.label_en else self.label

    @property
    def summed(self) -> bool:
        """The city's figure is the sum of its areas' (a count, an amount of money)."""
        return self.kind in SUMMED_KINDS

    @property
    def is_percentage(self) -> bool:
        return self.kind == UnitKind.PERCENTAGE


def value_problem(kind: str, decimals: int, label: str, value: Decimal) -> str:
    """What is wrong with ``value`` in a unit of ``kind`` with ``decimals`` (shown as
    ``label``), in words, or "" if nothing: a percentage lies within 0–100, a count is a
    whole number and not negative, an amount of money is not negative, and no value has
    more decimal places than its unit allows. The one check of the plan loader and of every
    entry (docs/plan-data.md, "Units")."""
    if kind == UnitKind.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        return gettext("割合は0〜100の範囲で入力してください。")
    whole = value == value.to_integral_value()
    if kind == UnitKind.COUNT and (value < 0 or not whole):
        return gettext("%(unit)sの数は0以上の整数で入力してください。") % {"unit": label}
    if kind == UnitKind.MONEY and value < 0:
        return gettext("%(unit)sの金額は0以上で入力してください。") % {"unit": label}
    if max(-value.normalize().as_tuple().exponent, 0) > decimals:
        return (
            gettext("%(unit)sの値は小数第%(places)s位までで入力してください。")
            % {
                "unit": label,
                "places": decimals,
            }
            if decimals
            else gettext("%(unit)sの値は整数で入力してください。") % {"unit": label}
        )
    return ""


class CommonIndicator(models.Model):
    """A common indicator (共通指標): one definition every municipality may map its own
    indicators to (``Indicator.common``), so that the prefecture's view compares them side
    by side. Reference data shared by all municipalities, no city's own: national
    definitions, shipped by a migration; the installation's administrator keeps them."""

    code = models.SlugField(
        _("コード"), max_length=40, unique=True, help_text=_("英小文字・数字・ハイフン。")
    )
    name = PlainCharField(_("名称"), max_length=200)
    name_en = PlainCharField(_("英語名"), max_length=200, blank=True)
    unit = PlainCharField(_("単位"), max_length=20, help_text=_("例：人、％。"))
    unit_en = PlainCharField(_("英語の単位"), max_length=40, blank=True)
    # The kind decides whether a figure is compared per 1,000 residents (a count is) and
    # which indicators may be mapped (an indicator's unit must be of the same kind).
    unit_kind = models.CharField(_("単位の種類"), max_length=12, choices=UnitKind.choices)
    description = PlainTextField(_("定義"), max_length=MAX_NOTE, blank=True)
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    class Meta:
        verbose_name = _("共通指標")
        verbose_name_plural = pgettext_lazy("plural", "共通指標")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_kind__in=UnitKind.values), name="common_indicator_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return self.name_en if _in_english() and self.name_en else self.name

    @property
    def display_unit(self) -> str:
        return self.unit_en if _in_english() and self.unit_en else self.unit

    @property
    def per_resident(self) -> bool:
        """Whether figures are compared per 1,000 residents too (a count of people, places
        or events; a rate or an amount already is one, or is not comparable so)."""
        return self.unit_kind == UnitKind.COUNT


class IndicatorManager(models.Manager):
    """Indicators with their unit, which every page, chart and export shows beside their
    figures (one join rather than a query per indicator)."""

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class Indicator(models.Model):
    """An outcome indicator of the plan, with a stable code (KPI-1-1 …) that import files
    and API consumers rely on."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the plan
    tenant_path = "municipality"
    tenant_source = "plan"

    # The plan as well as the pillar, so that the database keeps codes unique within a plan
    # (a constraint cannot reach through the pillar). Set from the pillar on save.
    plan = models.ForeignKey(
        "programs.Plan", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("計画")
    )
    municipality = copied_municipality_key()
    code = PlainCharField(
        _("指標コード"),
        max_length=20,
        validators=[RegexValidator(r"^[A-Z]+-\d+(-\d+)*$", _("例：KPI-1-1"))],
        help_text=_("計画の中で一意。"),
    )
    name = PlainCharField(_("名称"), max_length=200)
    # The column holds the unit's symbol (%, 人), as before units were data.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        to_field="symbol",
        db_column="unit",
        related_name="indicators",
        verbose_name=_("単位"),
    )
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    pillar = models.ForeignKey(
        "programs.Pillar",
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("施策"),
    )
    section = models.ForeignKey(
        "programs.Section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("施策の項目"),
        help_text=_("施策全体の指標では空欄。"),
    )
    department = models.ForeignKey(
        "community.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("所管課"),
        help_text=_(
            "市全体の値を入力・提出する課。空欄なら施策の項目の所管課。計画担当が設定し、"
            "計画書を読み込み直しても変わりません。"
        ),
    )
    # The common indicator (共通指標) this one measures, for the prefecture's view: mapped
    # by a planner in the admin, or by the plan folder (``common: <code>``).
    common = models.ForeignKey(
        CommonIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("共通指標"),
        help_text=_("都道府県の一覧で他の自治体と並べて比べる共通指標。単位の種類が同じもの。"),
    )
    position = models.PositiveSmallIntegerField(_("順序"), default=0)
    decimal_places = models.PositiveSmallIntegerField(
        _("表示する小数の桁数"),
        default=0,
        help_text=_("計画書の表記に合わせた桁数（例：34.0％ なら1）。"),
    )
    source = PlainCharField(_("出典"), max_length=300, blank=True)
    notes = PlainTextField(
        _("注記"), max_length=MAX_NOTE, blank=True, help_text=_("計画書の※注記。1行に1つ。")
    )
    derivation = models.CharField(
        _("実績値の計算"),
        max_length=30,
        choices=Derivation.choices,
        blank=True,
        default=Derivation.NONE,
        help_text=_("地域の記録から実績値を計算する指標では、実績値は入力できません。"),
    )
    # Plausibility rules (妥当性チェック, indicators/plausibility.py): a figure outside them
    # is kept only with a reason (備考).
    plausible_minimum = models.DecimalField(
        _("妥当な下限"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("これより小さい実績値には理由が必要です。空欄は確認しません。"),
    )
    plausible_maximum = models.DecimalField(
        _("妥当な上限"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("これより大きい実績値には理由が必要です。空欄は確認しません。"),
    )
    largest_change = models.DecimalField(
        _("前の値からの変化の上限（%）"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "前の年度の値（状態を問わず）からこの割合を超えて変わった実績値には理由が必要です。"
            "空欄は確認しません。"
        ),
    )

    history = HistoricalRecords()

    objects = IndicatorManager()

    class Meta:
        verbose_name = _("成果指標")
        verbose_name_plural = pgettext_lazy("plural", "成果指標")
        ordering = ["pillar__number", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="indicator_unique_code_in_plan",
                violation_error_message=_("この計画にはこのコードの指標がすでにあります。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self._take_plan_from_pillar()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        self._take_plan_from_pillar()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        validate_section_in_pillar(self)
        if self.pillar_id and self.pillar.plan_id != self.plan_id:
            raise ValidationError({"pillar": _("この施策は別の計画のものです。")})
        low, high = self.plausible_minimum, self.plausible_maximum
        if low is not None and high is not None and low > high:
            raise ValidationError({"plausible_maximum": _("上限は下限以上にしてください。")})
        if self.common_id and self.unit_id and self.common.unit_kind != self.unit.kind:
            raise ValidationError({"common": _("共通指標と単位の種類（数、割合など）が違います。")})

    def get_unit_display(self) -> str:
        """The unit as shown beside the figures, in the active language (％, 人)."""
        return self.unit.display_label

    def figure_text(self, value: Decimal | None) -> str:
        """``value`` as the plan prints this indicator's figures: 79.1, 111,901."""
        return figure_text(value, self.decimal_places)

    def _take_plan_from_pillar(self) -> None:
        if self.pillar_id and not self.plan_id:
            self.plan_id = self.pillar.plan_id

    @property
    def responsible_department_id(self) -> int | None:
        """The department (所管課) that reports its city-wide figures: its own, else its
        section's (None: the planners')."""
        if self.department_id is not None:
            return self.department_id
        return self.section.department_id if self.section_id else None

    @property
    def survey_percentage(self) -> bool:
        """A percentage from a survey (its 出典 names an アンケート or 調査): the fukuoka rule
        reads a result within ±3 points of the baseline as level (横ばい)."""
        return self.unit.is_percentage and any(w in self.source for w in ("アンケート", "調査"))


def validate_figure(
    indicator: Indicator, value: Decimal, *, ward_id: int | None, actual: bool
) -> None:
    """Whether ``value`` makes sense for the indicator's unit (``value_problem``: by its
    kind and decimals); an actual 校区 count at most the (ward's) school districts (a
    target or baseline may name more districts than have been imported so far). Values and
    targets alike."""
    unit = indicator.unit
    if problem := value_problem(unit.kind, unit.decimals, unit.display_label, value):
        raise ValidationError({"value": problem})
    if unit.symbol == SCHOOL_DISTRICT_UNIT and actual:
        from community.models import SchoolDistrict

        districts = SchoolDistrict.objects.all()
        if ward_id:
            districts = districts.filter(ward_id=ward_id)
        total = districts.count()
        if total and value > total:
            raise ValidationError(
                {"value": gettext("校区数は小学校区の数（%(total)s）以下です。") % {"total": total}}
            )


class IndicatorValue(WorkflowRecord):
    """One figure of an indicator: its baseline, an actual or its target, for a fiscal year,
    city-wide (no ward) or for one ward. Aggregate figures only: never data about a person."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the indicator
    tenant_path = "municipality"
    tenant_source = "indicator"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("成果指標")
    )
    municipality = copied_municipality_key()
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("西暦の年度（例：2013 = 平成25年度）。"),
    )
    kind = models.CharField(_("種別"), max_length=10, choices=RECORDED_KINDS)
    value = models.DecimalField(_("値"), max_digits=14, decimal_places=4)
    ward = models.ForeignKey(
        "community.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=AREA,
        help_text=_("空欄は市全体。"),
    )
    as_of = PlainCharField(_("時点"), max_length=100, blank=True, help_text=_("例：H24.4月末現在"))
    note = PlainCharField(_("備考"), max_length=300, blank=True)
    source = PlainCharField(_("出典"), max_length=300, blank=True)
    origin = models.CharField(
        _("登録元"),
        max_length=10,
        choices=ValueOrigin.choices,
        default=ValueOrigin.ENTRY,
        help_text=_("計画書に載っている値は、計画書の読み込みでだけ変わります。"),
    )
    computation = models.JSONField(
        _("計算の根拠"),
        default=list,
        blank=True,
        help_text=_("自動計算の値：数えた記録の一覧。"),
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("指標の値")
        verbose_name_plural = pgettext_lazy("plural", "指標の値")
        ordering = ["indicator__code", "fiscal_year", "kind", "ward__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "kind", "ward"],
                condition=Q(ward__isnull=False),
                name="indicator_value_unique_per_ward",
                violation_error_message=area_text(
                    gettext_noop(
                        "この指標・年度・種別・%(area)sの値はすでに登録されています。既存の記録を編集してください。"
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "kind"],
                condition=Q(ward__isnull=True),
                name="indicator_value_unique_city_wide",
                violation_error_message=area_text(
                    gettext_noop(
                        "この指標・年度・種別・%(area)sの値はすでに登録されています。既存の記録を編集してください。"
                    )
                ),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=MIN_FISCAL_YEAR, fiscal_year__lte=MAX_FISCAL_YEAR),
                name="indicator_value_fiscal_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[kind for kind, _label in RECORDED_KINDS]),
                name="indicator_value_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ValueOrigin.values), name="indicator_value_origin_valid"
            ),
        ]

    def clean(self) -> None:
        """Rules about the figure itself, by the indicator's unit."""
        super().clean()
        if self.value is None or not self.indicator_id:
            return
        derived = self.indicator.derivation and self.kind == ValueKind.ACTUAL
        if derived and self.origin == ValueOrigin.ENTRY:
            # The actuals of KPI-4-1 and KPI-4-2 come from the community's records.
            raise ValidationError(
                {
                    "value": gettext(
                        "%(code)s の実績値は地域の記録から自動で計算します（%(how)s）。"
                        "手で入力することはできません。"
                    )
                    % {
                        "code": self.indicator.code,
                        "how": self.indicator.get_derivation_display(),
                    }
                }
            )
        validate_figure(
            self.indicator, self.value, ward_id=self.ward_id, actual=self.kind == ValueKind.ACTUAL
        )

    def __str__(self) -> str:
        where = self.ward if self.ward_id else _("市全体")
        return (
            f"{self.indicator.code} {fiscal_year_label(self.fiscal_year)} "
            f"{self.get_kind_display()} {where}: {self.indicator.figure_text(self.value)}"
        )

    @property
    def figure_places(self) -> int | None:
        """The decimals its figures print with: its indicator's (``infrastructure.changes``
        words every change of it so, in the history, conflicts, imports and the plan loader)."""
        return self.indicator.decimal_places if self.indicator_id else None

    @property
    def department_id(self) -> int | None:
        """The department (所管課) that reports the city-wide figure (None: planners)."""
        return self.indicator.responsible_department_id if self.indicator_id else None


class IndicatorValueTransition(TransitionLog):
    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "record__municipality"
    record = models.ForeignKey(
        IndicatorValue,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("指標の値"),
    )

    class Meta(TransitionLog.Meta):
        verbose_name = _("指標の値の承認履歴")
        verbose_name_plural = pgettext_lazy("plural", "指標の値の承認履歴")


class Target(models.Model):
    """A target (目標値) of an indicator: the value to reach by a fiscal year, city-wide (no
    ward) or for one ward. The plan's original has no ``revised_in``; a revision
    (目標値の見直し) is a new row naming the fiscal year it was set in, with its reason, and
    never overwrites an earlier target. Which target is in force in a fiscal year is decided
    by ``indicators.targets.target_in_force`` alone."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the indicator
    tenant_path = "municipality"
    tenant_source = "indicator"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("成果指標")
    )
    municipality = copied_municipality_key()
    ward = models.ForeignKey(
        "community.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_targets",
        verbose_name=AREA,
        help_text=_("空欄は市全体。"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("目標年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("目標を達成する年度（西暦、例：2017 = 平成29年度）。"),
    )
    value = models.DecimalField(_("目標値"), max_digits=14, decimal_places=4)
    revised_in = models.PositiveSmallIntegerField(
        _("見直した年度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("この目標値を定めた年度。空欄は計画当初の目標値。"),
    )
    reason = PlainTextField(_("見直しの理由"), max_length=MAX_REASON, blank=True)
    as_of = PlainCharField(_("時点"), max_length=100, blank=True)
    note = PlainCharField(_("備考"), max_length=300, blank=True)
    source = PlainCharField(_("出典"), max_length=300, blank=True)
    origin = models.CharField(
        _("登録元"),
        max_length=10,
        choices=TARGET_ORIGINS,
        default=ValueOrigin.ENTRY,
        help_text=_("計画書に載っている目標値は、計画書の読み込みでだけ変わります。"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("設定者"),
    )
    set_at = models.DateTimeField(_("設定日時"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目標値")
        verbose_name_plural = pgettext_lazy("plural", "目標値")
        ordering = [
            "indicator__code",
            "ward__position",
            models.F("revised_in").asc(nulls_first=True),
            "set_at",
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=MIN_FISCAL_YEAR, fiscal_year__lte=MAX_FISCAL_YEAR),
                name="target_fiscal_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(revised_in__isnull=True) | Q(revised_in__lte=models.F("fiscal_year")),
                name="target_revised_before_its_year",
                violation_error_message=_("目標年度は見直した年度以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(origin__in=[o for o, _label in TARGET_ORIGINS]),
                name="target_origin_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin=ValueOrigin.ENTRY) | Q(revised_in__isnull=True),
                name="target_plan_original_only",
            ),
            # The plan states one original target per indicator and fiscal year.
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                condition=Q(origin=ValueOrigin.PLAN, ward__isnull=True),
                name="target_one_plan_original",
            ),
        ]

    def __str__(self) -> str:
        where = self.ward if self.ward_id else _("市全体")
        when = (
            gettext("%(year)sに見直し") % {"year": fiscal_year_label(self.revised_in)}
            if self.revised_in is not None
            else gettext("当初")
        )
        return (
            f"{self.indicator.code} {where} {fiscal_year_label(self.fiscal_year)} "
            f"{self.indicator.figure_text(self.value)}{parenthesised(when)}"
        )

    @property
    def figure_places(self) -> int | None:
        """The decimals its figures print with: its indicator's (``infrastructure.changes``
        words every change of it so, in the history, conflicts, imports and the plan loader)."""
        return self.indicator.decimal_places if self.indicator_id else None

    def clean(self) -> None:
        super().clean()
        if self.revised_in is not None and self.fiscal_year and self.fiscal_year < self.revised_in:
            raise ValidationError(
                {"fiscal_year": gettext("目標年度は見直した年度以降にしてください。")}
            )
        if self.revised_in is not None and not self.reason.strip():
            raise ValidationError({"reason": gettext("目標値を見直す理由を入力してください。")})
        if self.value is not None and self.indicator_id:
            validate_figure(self.indicator, self.value, ward_id=self.ward_id, actual=False)


class RatingRule(MunicipalityScoped, models.Model):
    """評価基準: a preset rule the city may use for the verdict of its indicators (see
    ``indicators.rating_rules``), with its bands. One rule is active at a time; planners pick
    it and edit its bands' labels and minimums. Each municipality has its own rules (one
    active); presets made before any municipality was loaded have none until the first
    municipality is loaded (``indicators.services.rating_rules_for_municipality``)."""

    tenant_path = "municipality"

    municipality = municipality_key("rating_rules")
    name = models.CharField(_("方式"), max_length=20, choices=RulePreset.choices)
    label = PlainCharField(_("名称"), max_length=100)
    label_en = PlainCharField(
        _("英語名"), max_length=100, blank=True, help_text=_("英語のページに表示する名称。")
    )
    is_active = models.BooleanField(_("使用中"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価基準")
        verbose_name_plural = pgettext_lazy("plural", "評価基準")
        ordering = ["-is_active", "name"]
        constraints = [
            *unique_in_municipality(
                "rating_rule", "name", _("この方式の評価基準はすでにあります。")
            ),
            # One active rule per municipality (and one among rules of no municipality).
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(is_active=True),
                name="one_active_rating_rule_in_municipality",
                violation_error_message=_("使用中の評価基準はすでにあります。"),
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, municipality__isnull=True),
                name="one_active_rating_rule",
                violation_error_message=_("使用中の評価基準はすでにあります。"),
            ),
            models.CheckConstraint(
                condition=Q(name__in=RulePreset.values), name="rating_rule_name_is_a_preset"
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The name in the active language (``label``, or ``label_en`` in English)."""
        return rule_label(self)


class RatingBand(models.Model):
    """One band of a rating rule: during the plan, a measure of at least ``minimum`` earns
    it (the band without a minimum catches the rest); the final and no-data bands apply by
    their use. The band's group is the indicator's status."""

    # infrastructure.tenancy: the municipality's key, kept on the row, copied from the rule
    tenant_path = "municipality"
    tenant_source = "rule"
    municipality = copied_municipality_key()

    rule = models.ForeignKey(
        RatingRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("評価基準")
    )
    code = PlainCharField(_("評価"), max_length=5)
    label = PlainCharField(_("表示"), max_length=50)
    label_en = PlainCharField(
        _("英語の表示"), max_length=100, blank=True, help_text=_("英語のページに表示する名称。")
    )
    group = models.CharField(_("進捗状況"), max_length=20, choices=ProgressStatus.choices)
    use = models.CharField(
        _("適用"), max_length=20, choices=BandUse.choices, default=BandUse.IN_PROGRESS
    )
    minimum = models.DecimalField(
        _("下限"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("計画期間中の区分で、評価基準の指標がこの値以上なら該当。空欄は最下位の区分。"),
    )
    position = models.PositiveSmallIntegerField(_("順序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("評価区分")
        verbose_name_plural = pgettext_lazy("plural", "評価区分")
        ordering = ["rule", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "code"], name="rating_band_unique_code"),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(minimum__isnull=True, use=BandUse.IN_PROGRESS),
                name="rating_band_one_floor",
            ),
            models.CheckConstraint(
                condition=Q(group__in=ProgressStatus.values), name="rating_band_group_valid"
            ),
            models.CheckConstraint(
                condition=Q(use__in=BandUse.values), name="rating_band_use_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_label}"

    @property
    def display_label(self) -> str:
        """The label in the active language (``label``, or ``label_en`` in English)."""
        return rating_label(self.label, self.label_en)

    def clean(self):
        super().clean()
        if self.group and self.use and self.group not in BAND_GROUPS[BandUse(self.use)]:
            raise ValidationError(
                {
                    "group": gettext("「%(use)s」の区分に使える進捗状況ではありません。")
                    % {"use": BandUse(self.use).label}
                }
            )
        if self.use != BandUse.IN_PROGRESS and self.minimum is not None:
            raise ValidationError({"minimum": gettext("計画期間中の区分にだけ下限を設定します。")})


class ReportingRound(MunicipalityScoped, models.Model):
    """A fiscal year's reporting round (報告期間): the deadline by which wards enter and
    submit their actual values and initiative progress. Planners set it; before it ward
    officers with missing or draft records are reminded, after it planners get the late
    wards. One a year in each municipality."""

    tenant_path = "municipality"

    municipality = municipality_key("reporting_rounds")
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("報告の対象の年度（西暦、例：2013 = 平成25年度）。"),
    )
    deadline = models.DateField(_("締切日"))
    reminder_lead_days = models.PositiveSmallIntegerField(
        _("催促の日数"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(90)],
        help_text=_("締切の何日前から催促するか。空欄なら、この仕組みの既定の日数。"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("報告期間")
        verbose_name_plural = pgettext_lazy("plural", "報告期間")
        ordering = ["-fiscal_year"]
        constraints = unique_in_municipality(
            "reporting_round", "fiscal_year", _("この年度の報告期間はすでにあります。")
        )

    def __str__(self) -> str:
        return f"{fiscal_year_label(self.fiscal_year)}{parenthesised(self.deadline.isoformat())}"

    @property
    def lead_days(self) -> int:
        if self.reminder_lead_days is not None:
            return self.reminder_lead_days
        return settings.REMINDER_LEAD_DAYS


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("締切前の催促")
    LATE_SUMMARY = "late_summary", _("締切後の未提出一覧")


class Reminder(models.Model):
    """One reminder e-mail of a reporting round to one person. The row is written in the
    same transaction that sends the mail, and (round, recipient, kind) is unique, so the
    mail goes at most once however often the task runs."""

    # infrastructure.tenancy: how a row reaches its municipality
    tenant_path = "round__municipality"

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("報告期間"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reporting_reminders",
        verbose_name=_("宛先"),
    )
    kind = models.CharField(_("種類"), max_length=20, choices=ReminderKind.choices)
    email = models.EmailField(_("メールアドレス"))
    ward = models.ForeignKey(
        "community.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=AREA,
    )
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    sent_at = models.DateTimeField(_("送信日時"))

    class Meta:
        verbose_name = _("催促メール")
        verbose_name_plural = pgettext_lazy("plural", "催促メール")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "recipient", "kind"], name="reminder_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_kind_display()} → {self.recipient}"
