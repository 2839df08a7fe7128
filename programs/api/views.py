from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema

from infrastructure.api.caching import AnonymousResponseCache
from infrastructure.api.permissions import ReadOrStaffWrite
from infrastructure.api.viewsets import RestrictedReadOnlyViewSet
from infrastructure.api.workflow import WorkflowViewSet
from programs.filters import InitiativeProgressFilter
from programs.models import (
    Challenge,
    Figure,
    Initiative,
    InitiativeProgress,
    InitiativeProgressTransition,
    Pillar,
    Section,
)
from programs.services import initiative_progress_delete, initiative_progress_update

from .plans import PLAN_PARAMETER, PlanScopedMixin
from .serializers import (
    InitiativeProgressSerializer,
    InitiativeSerializer,
    PillarSerializer,
    SectionSerializer,
)

INITIATIVES = Initiative.objects.select_related("pillar", "section", "department").prefetch_related(
    "actions"
)
SECTION_CONTENT = [
    "challenges",
    Prefetch("initiatives", queryset=INITIATIVES),
    "actions",
    "figures",
    "indicators",
]


@extend_schema(parameters=[PLAN_PARAMETER])
class PillarViewSet(AnonymousResponseCache, PlanScopedMixin, RestrictedReadOnlyViewSet):
    """The plan's four pillars with everything in them: sections, 現状と課題, initiatives
    and their actions, figures and indicator codes."""

    queryset = Pillar.objects.select_related("theme").prefetch_related(
        Prefetch(
            "challenges",
            queryset=Challenge.objects.filter(section__isnull=True),
            to_attr="own_challenges",
        ),
        Prefetch(
            "initiatives",
            queryset=INITIATIVES.filter(section__isnull=True),
            to_attr="own_initiatives",
        ),
        Prefetch(
            "figures", queryset=Figure.objects.filter(section__isnull=True), to_attr="own_figures"
        ),
        "indicators",
        Prefetch(
            "sections",
            queryset=Section.objects.select_related("pillar", "department").prefetch_related(
                *SECTION_CONTENT
            ),
        ),
    )
    serializer_class = PillarSerializer
    lookup_field = "number"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None
    ordering_fields = ["number", "title", "theme"]


@extend_schema(parameters=[PLAN_PARAMETER])
class SectionViewSet(AnonymousResponseCache, PlanScopedMixin, RestrictedReadOnlyViewSet):
    """Numbered sections of the pillars (pillar 2 has none). Looked up by id."""

    plan_lookup = "pillar__plan"
    queryset = Section.objects.select_related("pillar", "department").prefetch_related(
        *SECTION_CONTENT
    )
    serializer_class = SectionSerializer
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None
    filterset_fields = {"pillar__number": ["exact"]}
    ordering_fields = ["pillar__number", "number", "title"]


@extend_schema(parameters=[PLAN_PARAMETER])
class InitiativeViewSet(AnonymousResponseCache, PlanScopedMixin, RestrictedReadOnlyViewSet):
    """Initiatives (取組施策) with their actions, by code (1-2-1, 2-3 …)."""

    plan_lookup = "pillar__plan"
    queryset = INITIATIVES
    serializer_class = InitiativeSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9-]+"
    permission_classes = [ReadOrStaffWrite]
    filterset_fields = {"pillar__number": ["exact"]}
    ordering_fields = ["code", "pillar__number", "number", "title"]


@extend_schema(parameters=[PLAN_PARAMETER])
class InitiativeProgressViewSet(PlanScopedMixin, WorkflowViewSet):
    """Each ward's yearly report on an initiative: state, what was done, issues, next year's
    course and activity counts."""

    def plan_filter(self, plan):
        return Q(initiative__pillar__plan=plan) | Q(section__pillar__plan=plan)

    queryset = InitiativeProgress.objects.select_related(
        "initiative", "section__pillar", "ward"
    ).prefetch_related(
        Prefetch(
            "transitions",
            queryset=InitiativeProgressTransition.objects.select_related("user"),
        )
    )
    serializer_class = InitiativeProgressSerializer
    filterset_class = InitiativeProgressFilter
    ordering_fields = ["fiscal_year", "initiative__code", "ward__position", "updated_at"]
    ordering = ["fiscal_year", "initiative__code", "section__number", "ward__position"]
    update_service = staticmethod(initiative_progress_update)
    delete_service = staticmethod(initiative_progress_delete)
