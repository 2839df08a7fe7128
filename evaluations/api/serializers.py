from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluations.choices import Direction, EvaluationStage
from evaluations.models import Evaluation
from evaluations.services import evaluation_create
from infrastructure.api.serializers import WorkflowRecordSerializer
from programs.api.plans import PlanScopedSlugRelatedField
from programs.api.serializers import SectionCodeField
from programs.models import Initiative, Pillar, Section


class EvaluationSerializer(WorkflowRecordSerializer):
    """One stage's evaluation of a pillar, a section or an initiative: exactly one of
    ``pillar`` (its number), ``section`` (1-2) or ``initiative`` (1-2-1), within the plan of
    ``?plan=`` (the current plan)."""

    pillar = PlanScopedSlugRelatedField(
        slug_field="number",
        queryset=Pillar.objects.all(),
        allow_null=True,
        required=False,
        help_text="Pillar number, for the pillar's own evaluation.",
    )
    section = SectionCodeField(
        queryset=Section.objects.select_related("pillar"),
        allow_null=True,
        required=False,
        help_text="Section code (1-2).",
    )
    initiative = PlanScopedSlugRelatedField(
        plan_lookup="pillar__plan",
        slug_field="code",
        queryset=Initiative.objects.all(),
        allow_null=True,
        required=False,
        help_text="Initiative code (1-2-1, 2-3 …).",
    )
    stage = serializers.ChoiceField(
        choices=EvaluationStage.choices,
        error_messages={
            "invalid_choice": _(
                "評価段階「{input}」は使えません。primary（一次評価）・secondary（二次評価）・"
                "council（審議会意見）のいずれかです。"
            )
        },
    )
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        allow_blank=True,
        required=False,
        error_messages={
            "invalid_choice": _(
                "今後の方向性「{input}」は使えません。expand（拡充）・continue（継続）・"
                "improve（改善）・reduce（縮小）・abolish（休廃止）・complete（終了）の"
                "いずれかです。"
            )
        },
    )
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    rating = serializers.CharField(
        max_length=5,
        allow_blank=True,
        required=False,
        help_text="A band code of the active rating rule (A, B, C, D …).",
    )
    department = serializers.SerializerMethodField()

    create_service = staticmethod(evaluation_create)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "pillar",
            "section",
            "initiative",
            "department",
            "stage",
            "stage_label",
            "rating",
            "results",
            "analysis",
            "issues",
            "direction",
            "direction_label",
            "comment",
            *WorkflowRecordSerializer.workflow_fields,
        ]
        read_only_fields = ["status", "version", "created_at", "updated_at"]
        validators = []  # uniqueness and the one subject: the model's (full_clean)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department(self, record) -> str | None:
        """The responsible department (所管課) of the item; null for a pillar or until set."""
        department = record.department
        return department.name if department else None
