from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view

from evaluations.filters import EvaluationFilter
from evaluations.models import Evaluation, EvaluationTransition
from evaluations.selectors import RELATED, in_plan
from evaluations.services import evaluation_delete, evaluation_update
from infrastructure.api.workflow import WorkflowViewSet
from programs.api.plans import PLAN_PARAMETER, PlanScopedMixin

from .serializers import EvaluationSerializer

SECONDARY_EXAMPLE = OpenApiExample(
    "二次評価",
    request_only=True,
    value={
        "fiscal_year": 2016,
        "pillar": 1,
        "stage": "secondary",
        "rating": "B",
        "analysis": "見守り活動の担い手は増えたが、校区による差が大きい。",
        "issues": "担い手の少ない校区への支援。",
        "direction": "continue",
    },
)


@extend_schema(parameters=[PLAN_PARAMETER])
@extend_schema_view(create=extend_schema(examples=[SECONDARY_EXAMPLE]))
class EvaluationViewSet(PlanScopedMixin, WorkflowViewSet):
    """Evaluations (施策評価) of pillars, sections and initiatives by fiscal year and stage:
    一次評価 (primary, by the responsible department), 二次評価 (secondary) and 審議会意見
    (council, both by planners). The public sees approved evaluations; staff also what their
    role allows. In plan order."""

    def plan_filter(self, plan):
        return in_plan(plan)

    queryset = Evaluation.objects.select_related(*RELATED).prefetch_related(
        Prefetch("transitions", queryset=EvaluationTransition.objects.select_related("user"))
    )
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = ["fiscal_year", "stage", "updated_at"]
    update_service = staticmethod(evaluation_update)
    delete_service = staticmethod(evaluation_delete)
