from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.api.serializers import WardField
from infrastructure.api.serializers import WorkflowRecordSerializer
from programs.models import (
    Action,
    Challenge,
    Figure,
    Initiative,
    InitiativeProgress,
    Pillar,
    Section,
)
from programs.services import initiative_progress_create

from .plans import PlanScopedSlugRelatedField, plan_from_request


@extend_schema_field(serializers.CharField(allow_null=True))
class SectionCodeField(serializers.RelatedField):
    """A section by its code as the plan cites it: ``4-1``."""

    default_error_messages = {"does_not_exist": "No section {value}."}

    def to_internal_value(self, data):
        pillar, _, number = str(data).partition("-")
        try:
            return (
                self.get_queryset()
                .filter(pillar__plan=plan_from_request(self.context.get("request")))
                .get(pillar__number=int(pillar), number=int(number))
            )
        except (ValueError, Section.DoesNotExist):
            self.fail("does_not_exist", value=data)

    def to_representation(self, section):
        return section.code


class ChallengeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Challenge
        fields = ["position", "heading", "text"]


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["position", "group", "text"]


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Figure
        fields = ["kind", "number", "title", "text"]


class InitiativeSerializer(serializers.ModelSerializer):
    pillar = serializers.IntegerField(source="pillar.number")
    section = serializers.SerializerMethodField()
    department = serializers.CharField(
        source="department.name",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="所管課, or null.",
    )
    actions = ActionSerializer(many=True)

    class Meta:
        model = Initiative
        fields = ["code", "number", "title", "lead", "pillar", "section", "department", "actions"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_section(self, initiative) -> str | None:
        section = initiative.section
        return f"{initiative.pillar.number}-{section.number}" if section else None


class SectionSerializer(serializers.ModelSerializer):
    code = serializers.CharField()
    pillar = serializers.IntegerField(source="pillar.number")
    challenges = ChallengeSerializer(many=True)
    initiatives = InitiativeSerializer(many=True)
    actions = ActionSerializer(many=True, help_text="Actions with no numbered initiative.")
    figures = FigureSerializer(many=True)
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    department = serializers.CharField(
        source="department.name",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="所管課, or null.",
    )

    class Meta:
        model = Section
        fields = [
            "code",
            "number",
            "title",
            "pillar",
            "department",
            "challenges",
            "initiatives",
            "actions",
            "figures",
            "indicators",
        ]


class PillarSerializer(serializers.ModelSerializer):
    theme_label = serializers.CharField(source="get_theme_display")
    challenges = ChallengeSerializer(
        many=True, source="own_challenges", help_text="Only where the pillar has no sections."
    )
    initiatives = InitiativeSerializer(many=True, source="own_initiatives")
    figures = FigureSerializer(many=True, source="own_figures")
    indicators = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Every indicator of the pillar."
    )
    sections = SectionSerializer(many=True)

    class Meta:
        model = Pillar
        fields = [
            "number",
            "title",
            "theme",
            "theme_label",
            "overview",
            "challenges",
            "initiatives",
            "figures",
            "indicators",
            "sections",
        ]


class InitiativeProgressSerializer(WorkflowRecordSerializer):
    initiative = PlanScopedSlugRelatedField(
        plan_lookup="pillar__plan",
        slug_field="code",
        queryset=Initiative.objects.all(),
        allow_null=True,
        required=False,
        help_text="Initiative code (1-2-1 …).",
    )
    section = SectionCodeField(
        queryset=Section.objects.select_related("pillar"),
        allow_null=True,
        required=False,
        help_text="Section code (4-1), only for sections without numbered initiatives.",
    )
    ward = WardField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    create_service = staticmethod(initiative_progress_create)

    class Meta:
        model = InitiativeProgress
        fields = [
            "id",
            "initiative",
            "section",
            "ward",
            "state",
            "state_label",
            "results",
            "issues",
            "next_steps",
            "events_held",
            "participants",
            "trainees",
            *WorkflowRecordSerializer.workflow_fields,
        ]
        read_only_fields = ["status", "version", "created_at", "updated_at"]
        validators = []
