from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Ward
from indicators.models import Indicator, IndicatorValue
from indicators.progress import Progress
from indicators.services import indicator_value_create
from kumamoto_welfare.api.serializers import (
    PlainDecimalField,
    PointSerializer,
    WorkflowRecordSerializer,
)


class RatingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


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
    status = serializers.CharField(help_text="achieved, on_track, behind or no_data.")
    status_label = serializers.CharField()
    rating = RatingSerializer(allow_null=True)


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its progress (approved data only). The view puts the progress of
    every listed indicator into the context at once (``progress``: {id: Progress})."""

    pillar = serializers.IntegerField(source="pillar.number")
    section = serializers.SerializerMethodField()
    unit_label = serializers.CharField(source="get_unit_display")
    direction_label = serializers.CharField(source="get_direction_display")
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "unit_label",
            "direction",
            "direction_label",
            "pillar",
            "section",
            "source",
            "notes",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_section(self, indicator) -> str | None:
        return (
            f"{indicator.pillar.number}-{indicator.section.number}" if indicator.section else None
        )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_notes(self, indicator) -> list[str]:
        return indicator.notes.splitlines()

    def to_representation(self, indicator):
        data = super().to_representation(indicator)
        progress: Progress = self.context["progress"][indicator.pk]
        data.update(ProgressSerializer(progress).data)
        return data


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


class SeriesSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    ward = serializers.CharField(allow_null=True)
    points = SeriesPointSerializer(many=True)
    expected = PointSerializer(many=True, help_text="The straight line from baseline to target.")
    progress = ProgressSerializer()


class IndicatorValueSerializer(WorkflowRecordSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    ward = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Ward.objects.all(),
        allow_null=True,
        required=False,
        help_text="Ward name (中央区 …); absent or null for a city-wide value.",
    )
    value = PlainDecimalField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    create_service = staticmethod(indicator_value_create)

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
            *WorkflowRecordSerializer.workflow_fields,
        ]
        read_only_fields = ["origin", "status", "version", "created_at", "updated_at"]
        validators = []  # uniqueness is checked by the model (full_clean), NULL ward included
