from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from community.api.serializers import WardField
from indicators import plausibility
from indicators.choices import RECORDED_KINDS, BandUse, Direction, ProgressStatus, UnitKind
from indicators.models import Indicator, IndicatorValue, RatingBand, RatingRule
from indicators.progress import Progress
from indicators.services import indicator_value_create
from infrastructure import policy
from infrastructure.api.fields import FiscalYearField
from infrastructure.api.serializers import (
    PlainDecimalField,
    PointSerializer,
    WorkflowRecordSerializer,
    plain,
    reader,
)
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.text import MAX_REASON, validate_text
from programs.api.plans import PlanScopedSlugRelatedField


class RatingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class RatingBandSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(
        help_text="The band's label in the language of Accept-Language (ja or en)."
    )
    group = serializers.ChoiceField(
        choices=ProgressStatus.choices, help_text="The status an indicator in this band has."
    )
    use = serializers.ChoiceField(
        choices=BandUse.choices,
        help_text="in_progress: on the rule's measure; final: after the target year; "
        "no_data: without an actual.",
    )
    minimum = PlainDecimalField(allow_null=True, help_text="The measure's minimum (in_progress).")

    class Meta:
        model = RatingBand
        fields = ["code", "label", "group", "use", "minimum"]

    def get_label(self, band) -> str:
        return band.display_label


class RatingRuleSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField(
        help_text="The rule's name in the language of Accept-Language (ja or en)."
    )
    active = serializers.BooleanField(source="is_active")
    bands = RatingBandSerializer(many=True)

    class Meta:
        model = RatingRule
        fields = ["name", "label", "active", "bands"]

    def get_label(self, rule) -> str:
        return rule.display_label


class ProgressSerializer(serializers.Serializer):
    """The progress fields, from a domain ``Progress``."""

    baseline = PointSerializer(allow_null=True)
    target = PointSerializer(allow_null=True)
    latest_actual = PointSerializer(allow_null=True)
    achievement_rate = PlainDecimalField(
        places=1, allow_null=True, help_text="Percent, one decimal."
    )
    expected_progress = PlainDecimalField(allow_null=True, help_text="0–1.")
    pace = PlainDecimalField(allow_null=True, help_text="Achievement ÷ expected progress.")
    status = serializers.ChoiceField(
        choices=ProgressStatus.choices,
        help_text="The group of the rating band (the active rating rule's verdict).",
    )
    status_label = serializers.CharField()
    rating = RatingSerializer(allow_null=True)

    def to_representation(self, progress: Progress) -> dict:
        # The fields above describe it for the schema; progress_data builds it, once.
        return progress_data(progress)


def point_data(point) -> dict | None:
    if point is None:
        return None
    return {
        "fiscal_year": point.fiscal_year,
        "fiscal_year_label": fiscal_year_label(point.fiscal_year),
        "value": plain(point.value),
    }


def progress_data(progress: Progress) -> dict:
    """What ``ProgressSerializer`` gives, built directly: a list of indicators is built
    many times faster this way than through nested serializers (docs/performance.md)."""
    return {
        "baseline": point_data(progress.baseline),
        "target": point_data(progress.target),
        "latest_actual": point_data(progress.latest_actual),
        "achievement_rate": (
            None if progress.achievement_rate is None else f"{progress.achievement_rate:.1f}"
        ),
        "expected_progress": _plain_or_none(progress.expected_progress),
        "pace": _plain_or_none(progress.pace),
        "status": progress.status.value,
        "status_label": str(progress.status.label),
        "rating": (
            {"code": progress.rating.code, "label": str(progress.rating.label)}
            if progress.rating
            else None
        ),
    }


def _plain_or_none(value):
    return None if value is None else plain(value)


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its progress (approved data only). The view puts the progress of
    every listed indicator into the context at once (``progress``: {id: Progress}); rows are
    built directly, the declared fields describe them for the schema."""

    pillar = serializers.IntegerField(source="pillar.number")
    section = serializers.CharField(allow_null=True)
    unit = serializers.CharField(
        help_text="The unit's symbol, as the plan folder writes it (%, 人)."
    )
    unit_label = serializers.CharField()
    unit_kind = serializers.ChoiceField(
        choices=UnitKind.choices,
        help_text="What the unit measures (docs/plan-data.md, Units): count, percentage, money "
        "or measure.",
    )
    direction_label = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "unit_label",
            "unit_kind",
            "decimal_places",
            "direction",
            "direction_label",
            "pillar",
            "section",
            "source",
            "notes",
            "derivation",
        ]

    def to_representation(self, indicator):
        section = indicator.section
        return {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit_id,
            "unit_label": indicator.get_unit_display(),
            "unit_kind": indicator.unit.kind,
            "decimal_places": indicator.decimal_places,
            "direction": indicator.direction,
            "direction_label": str(Direction(indicator.direction).label),
            "pillar": indicator.pillar.number,
            "section": f"{indicator.pillar.number}-{section.number}" if section else None,
            "source": indicator.source,
            "notes": indicator.notes.splitlines(),
            "derivation": indicator.derivation,
            **progress_data(self.context["progress"][indicator.pk]),
        }


class IndicatorWithProgressSerializer(IndicatorSerializer):
    """For the schema: the indicator and its progress fields side by side."""

    baseline = PointSerializer(allow_null=True, read_only=True)
    target = PointSerializer(allow_null=True, read_only=True)
    latest_actual = PointSerializer(allow_null=True, read_only=True)
    achievement_rate = PlainDecimalField(places=1, allow_null=True, read_only=True)
    expected_progress = PlainDecimalField(allow_null=True, read_only=True)
    pace = PlainDecimalField(allow_null=True, read_only=True)
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(read_only=True)
    rating = RatingSerializer(allow_null=True, read_only=True)

    class Meta(IndicatorSerializer.Meta):
        fields = [
            *IndicatorSerializer.Meta.fields,
            "baseline",
            "target",
            "latest_actual",
            "achievement_rate",
            "expected_progress",
            "pace",
            "status",
            "status_label",
            "rating",
        ]


class SeriesPointSerializer(serializers.Serializer):
    kind = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    value = PlainDecimalField()
    revised_in = serializers.IntegerField(
        allow_null=True,
        help_text="For a target: the fiscal year it was set in; null for the plan's original "
        "(and for baselines and actuals).",
    )


class TargetSerializer(serializers.Serializer):
    """A target (目標値) with its revision, from a ``selectors.TargetRow``."""

    value = PlainDecimalField()
    fiscal_year = serializers.IntegerField(help_text="The fiscal year the target is for.")
    fiscal_year_label = serializers.SerializerMethodField()
    revised_in = serializers.IntegerField(
        allow_null=True, help_text="The fiscal year it was set in; null for the plan's original."
    )
    revised_in_label = serializers.SerializerMethodField()
    reason = serializers.CharField()
    in_force = serializers.BooleanField(
        help_text="Whether this is the target in force in the fiscal year asked for "
        "(the current one by default)."
    )
    ward = serializers.CharField(source="ward.name", allow_null=True, default=None)
    origin = serializers.CharField(help_text="plan (the plan document) or entry (a planner).")
    set_by = serializers.SerializerMethodField(
        help_text="The login name of the planner who set it: only for staff whose scope the "
        "target is in (planners; a ward's officers for their ward's); null for anyone else "
        "and for the plan's original."
    )
    set_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField())
    def get_fiscal_year_label(self, row) -> str:
        return fiscal_year_label(row.fiscal_year)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_revised_in_label(self, row) -> str | None:
        return None if row.revised_in is None else fiscal_year_label(row.revised_in)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_set_by(self, row) -> str | None:
        if row.set_by_id is None or not policy.in_scope(reader(self), row.target):
            return None
        return row.set_by.get_username()


class TargetWriteSerializer(serializers.Serializer):
    """A new target for the indicator in the URL: a revision (``revised_in`` set, with a
    reason), or an original where the plan has none (``revised_in`` null)."""

    value = PlainDecimalField()
    fiscal_year = FiscalYearField(help_text="The fiscal year the target is for.")
    revised_in = FiscalYearField(
        allow_null=True, help_text="The fiscal year it is set in; null for an original."
    )
    reason = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=MAX_REASON,
        validators=[validate_text],
        help_text="Required for a revision.",
    )
    ward = WardField(
        default=None,
        help_text="The ward: its code, its own 全国地方公共団体コード or its name; absent or "
        "null for a city-wide target.",
    )
    note = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=300, validators=[validate_text]
    )


class SeriesSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    ward = serializers.CharField(allow_null=True)
    fiscal_year = serializers.IntegerField(help_text="The fiscal year the series is as of.")
    points = SeriesPointSerializer(many=True)
    expected = PointSerializer(
        many=True, help_text="The straight line from baseline to the target in force."
    )
    targets = TargetSerializer(many=True, help_text="Every target, the original first.")
    progress = ProgressSerializer()


PlausibilityCheckSerializer = inline_serializer(
    "PlausibilityCheck",
    {
        "rule": serializers.ChoiceField(choices=["minimum", "maximum", "change"]),
        "limit": serializers.CharField(help_text="The rule's limit (a figure, or a percent)."),
        "previous": inline_serializer(
            "PreviousFigure",
            {
                "id": serializers.IntegerField(),
                "fiscal_year": serializers.IntegerField(),
                "value": serializers.CharField(),
                "status": serializers.CharField(),
            },
            allow_null=True,
        ),
        "change_percent": serializers.CharField(
            allow_null=True, help_text="The change from the previous figure, in percent (+874.6)."
        ),
    },
    many=True,
)


class IndicatorValueListSerializer(serializers.ListSerializer):
    """A page of values: every record's plausibility checks in one query."""

    def to_representation(self, data):
        records = list(data.all() if hasattr(data, "all") else data)
        self.child.context["checks"] = plausibility.checks_for(records)
        return super().to_representation(records)


class IndicatorValueSerializer(WorkflowRecordSerializer):
    indicator = PlanScopedSlugRelatedField(
        slug_field="code",
        queryset=Indicator.objects.all(),
        help_text="Indicator code (KPI-1-1 …) in the plan of ?plan= (the current plan).",
    )
    ward = WardField(
        help_text="The ward: its code, its own 全国地方公共団体コード or its name (shown as its "
        "name); absent or null for a city-wide value.",
    )
    value = PlainDecimalField()
    kind = serializers.ChoiceField(
        choices=RECORDED_KINDS,
        help_text="baseline or actual. Targets are set by planners at indicators/{code}/targets/.",
        error_messages={
            "invalid_choice": _(
                "種別は実績値（actual）か基準値（baseline）です。目標値は計画担当が"
                "目標値の見直し（indicators/<指標コード>/targets/）で設定します。"
            )
        },
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    computation = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text="For a derived value (origin derived): the records it counted.",
    )
    checks = serializers.SerializerMethodField(
        help_text="The plausibility rules (妥当性チェック) the figure breaks, each with the "
        "latest earlier figure of the indicator and ward in any state and the change; empty "
        "when it breaks none. A figure that breaks one is kept only with a reason in note."
    )

    create_service = staticmethod(indicator_value_create)

    @extend_schema_field(PlausibilityCheckSerializer)
    def get_checks(self, record) -> list:
        found = self.context.get("checks")  # a list's, computed at once
        result = plausibility.check_of(record) if found is None else found.get(record.pk)
        return plausibility.as_json(result)

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "ward",
            "kind",
            "kind_label",
            "value",
            "note",
            "as_of",
            "source",
            "origin",
            "computation",
            "checks",
            *WorkflowRecordSerializer.workflow_fields,
        ]
        list_serializer_class = IndicatorValueListSerializer
        read_only_fields = ["origin", "status", "version", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the model (full_clean), NULL ward included
