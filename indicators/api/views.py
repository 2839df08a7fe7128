from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from community import access
from community.api.parameters import ward_openapi_parameter, ward_parameter
from indicators import policy as indicator_policy
from indicators.filters import IndicatorValueFilter
from indicators.models import Indicator, IndicatorValue, IndicatorValueTransition, RatingRule
from indicators.policy import check_sets_targets
from indicators.selectors import default_fiscal_year, indicator_series, indicator_targets
from indicators.services import (
    indicator_value_delete,
    indicator_value_update,
    rating_rule_activate,
    target_create,
)
from infrastructure.api.caching import AnonymousResponseCache
from infrastructure.api.permissions import ReadOrStaffWrite
from infrastructure.api.viewsets import RestrictedReadOnlyViewSet
from infrastructure.api.workflow import WorkflowViewSet
from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year
from programs.api.plans import PLAN_PARAMETER, PlanScopedMixin, plan_from_request

from .serializers import (
    IndicatorValueSerializer,
    IndicatorWithProgressSerializer,
    ProgressSerializer,
    RatingRuleSerializer,
    SeriesSerializer,
    TargetSerializer,
    TargetWriteSerializer,
)
from .summaries import (
    cached_dashboard,
    cached_indicator,
    cached_indicator_list,
    indicators_payload,
)

KPI_1_1_EXAMPLE = OpenApiExample(
    "KPI-1-1",
    value={
        "code": "KPI-1-1",
        "name": "65歳以上の元気な高齢者の割合",
        "unit": "%",
        "unit_label": "％",
        "direction": "increase",
        "direction_label": "増加をめざす",
        "pillar": 1,
        "section": None,
        "source": "",
        "notes": ["本成果指標は「くまもとはつらつプラン」との整合性を図り、…"],
        "baseline": {
            "fiscal_year": 2008,
            "fiscal_year_label": "2008年度（平成20年度）",
            "value": "78.61",
        },
        "target": {
            "fiscal_year": 2017,
            "fiscal_year_label": "2017年度（平成29年度）",
            "value": "79.41",
        },
        "latest_actual": {
            "fiscal_year": 2013,
            "fiscal_year_label": "2013年度（平成25年度）",
            "value": "79.05",
        },
        "achievement_rate": "55.0",
        "expected_progress": "0.5556",
        "pace": "0.9899",
        "status": "on_track",
        "status_label": "順調",
        "rating": {"code": "B", "label": "概ね順調"},
    },
    response_only=True,
)
VALUE_EXAMPLE = OpenApiExample(
    "An actual of a ward",
    value={
        "indicator": "KPI-3-1",
        "ward": "○○区",
        "fiscal_year": "平成27年度",
        "kind": "actual",
        "value": "23456",
        "note": "",
    },
    request_only=True,
)


FISCAL_YEAR_AS_OF = OpenApiParameter(
    "fiscal_year",
    OpenApiTypes.STR,
    description="Answer as of this fiscal year (2016, H28, 平成28年度 …): the target in force "
    "then and the latest approved actual up to it. Default: the current fiscal year.",
)
TARGET_EXAMPLE = OpenApiExample(
    "A revision of KPI-1-1 in FY2018",
    value={
        "value": "80.5",
        "fiscal_year": 2022,
        "revised_in": 2018,
        "reason": "中間見直しにより目標年度を延長",
    },
    request_only=True,
)


def as_of_year(request) -> int | None:
    """The ``fiscal_year`` query parameter (any form people write), or None without it. A
    bad one is a 400 naming the parameter."""
    raw = request.query_params.get("fiscal_year")
    if raw in (None, ""):
        return None
    try:
        return parse_fiscal_year(raw)
    except FiscalYearError as error:
        raise serializers.ValidationError({"fiscal_year": [str(error)]}) from error


WARD_PROGRESS = ward_openapi_parameter(
    "The ward whose progress is given (its own actuals, against its own baseline and "
    "targets where it has them, else the city's for a rate); absent for the city's."
)


@extend_schema(parameters=[PLAN_PARAMETER])
@extend_schema_view(
    list=extend_schema(parameters=[FISCAL_YEAR_AS_OF, WARD_PROGRESS]),
    retrieve=extend_schema(
        parameters=[FISCAL_YEAR_AS_OF, WARD_PROGRESS], examples=[KPI_1_1_EXAMPLE]
    ),
)
class IndicatorViewSet(AnonymousResponseCache, PlanScopedMixin, RestrictedReadOnlyViewSet):
    """Outcome indicators with their progress, from approved data only, as of a fiscal year
    (the current one by default). Summaries are cached and recomputed after any change to
    progress data."""

    queryset = Indicator.objects.select_related("pillar", "section")
    serializer_class = IndicatorWithProgressSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None
    filterset_fields = {"pillar__number": ["exact"], "unit": ["exact"]}
    ordering_fields = ["code", "name", "unit", "direction", "pillar__number"]

    def list(self, request, *args, **kwargs):
        year = as_of_year(request)
        ward = ward_parameter(request)
        if set(request.query_params) - {"fiscal_year"}:
            queryset = self.filter_queryset(self.get_queryset())
            return Response(indicators_payload(list(queryset), year, ward))
        return Response(cached_indicator_list(year))  # the current plan's

    def retrieve(self, request, *args, **kwargs):
        year = as_of_year(request)
        ward = ward_parameter(request)
        if ward is not None:
            return Response(indicators_payload([self.get_object()], year, ward)[0])
        return Response(cached_indicator(self.get_object(), year))

    @extend_schema(
        parameters=[
            ward_openapi_parameter("The ward's series; absent for the city-wide series."),
            FISCAL_YEAR_AS_OF,
        ],
        responses=SeriesSerializer,
    )
    @action(detail=True)
    def series(self, request, code=None, format=None):
        """The indicator's baseline, approved actuals and every target (with its revision) in
        order, with the expected trajectory from baseline to the target in force."""
        indicator = self.get_object()
        year = as_of_year(request)
        ward = ward_parameter(request)
        series = indicator_series(indicator, ward_id=ward.pk if ward else None, fiscal_year=year)
        return Response(
            SeriesSerializer(
                {
                    "indicator": indicator.code,
                    "ward": ward.name if ward else None,
                    "fiscal_year": series["fiscal_year"],
                    "points": series["points"],
                    "expected": series["expected"],
                    "targets": series["targets"],
                    "progress": series["progress"],
                },
                context={"request": request},
            ).data
        )

    @extend_schema(
        methods=["GET"],
        parameters=[
            ward_openapi_parameter("The ward's targets; absent for the city's."),
            OpenApiParameter(
                "fiscal_year",
                OpenApiTypes.STR,
                description="Mark the target in force in this fiscal year (default: the "
                "current one).",
            ),
        ],
        responses=TargetSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        request=TargetWriteSerializer,
        responses={201: TargetSerializer},
        examples=[TARGET_EXAMPLE],
    )
    @action(detail=True, methods=["get", "post"])
    def targets(self, request, code=None, format=None):
        """Every target of the indicator (目標値), the plan's original first, then each
        revision, with the one in force marked. Planners add a revision with ``POST``; an
        earlier target is never changed."""
        indicator = self.get_object()
        if request.method == "POST":
            return self._create_target(request, indicator)
        year = as_of_year(request)
        ward = ward_parameter(request)
        rows = indicator_targets(indicator, ward_id=ward.pk if ward else None, fiscal_year=year)
        return Response(TargetSerializer(rows, many=True, context={"request": request}).data)

    def _create_target(self, request, indicator):
        check_sets_targets(request.user)  # 403 before any word on the body
        serializer = TargetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = target_create(user=request.user, indicator=indicator, **serializer.validated_data)
        rows = indicator_targets(indicator, ward_id=target.ward_id)
        row = next(r for r in rows if r.pk == target.pk)
        return Response(
            TargetSerializer(row, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema(parameters=[PLAN_PARAMETER])
@extend_schema_view(create=extend_schema(examples=[VALUE_EXAMPLE]))
class IndicatorValueViewSet(PlanScopedMixin, WorkflowViewSet):
    """Indicator values: baselines, actuals and targets by fiscal year, city-wide or per
    ward. The public sees approved values; staff also see what their role allows."""

    plan_lookup = "indicator__plan"

    queryset = IndicatorValue.objects.select_related("indicator", "ward").prefetch_related(
        Prefetch("transitions", queryset=IndicatorValueTransition.objects.select_related("user"))
    )
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter
    ordering_fields = ["fiscal_year", "indicator__code", "ward__position", "updated_at"]
    ordering = ["indicator__code", "fiscal_year", "kind", "ward__position"]
    update_service = staticmethod(indicator_value_update)
    delete_service = staticmethod(indicator_value_delete)


DashboardSerializer = inline_serializer(
    "Dashboard",
    {
        "fiscal_year": serializers.IntegerField(),
        "fiscal_year_label": serializers.CharField(),
        "pillars": inline_serializer(
            "DashboardPillar",
            {
                "number": serializers.IntegerField(),
                "title": serializers.CharField(),
                "indicators": serializers.IntegerField(),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
                "mean_achievement_rate": serializers.CharField(allow_null=True),
            },
            many=True,
        ),
        "wards": serializers.ListField(child=serializers.DictField()),
    },
)


class DashboardView(AnonymousResponseCache, APIView):
    """Per pillar, the indicators counted by status and their mean achievement as of the
    fiscal year; per ward, how complete the year's reporting is. With ``ward``, of that ward
    alone. Without ``fiscal_year``, of the year the pages show first
    (``indicators.selectors.default_fiscal_year``)."""

    permission_classes = [ReadOrStaffWrite]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "fiscal_year",
                OpenApiTypes.STR,
                description="2013, H25, 平成25年度 …. Default: the latest fiscal year of the "
                "plan's period with approved data, else the period's first (the year the "
                "pages show first).",
            ),
            PLAN_PARAMETER,
            ward_openapi_parameter(
                "That ward's dashboard: its indicators measured for it and its own "
                "reporting; absent for the city and every ward."
            ),
        ],
        responses=DashboardSerializer,
    )
    def get(self, request):
        plan = plan_from_request(request)
        ward = ward_parameter(request)
        year = as_of_year(request)
        if year is None:
            year = default_fiscal_year(plan)
        return Response(cached_dashboard(year, access.scope_of(request.user), plan, ward))


__all__ = [
    "DashboardView",
    "IndicatorValueViewSet",
    "IndicatorViewSet",
    "ProgressSerializer",
    "RatingRuleViewSet",
]


class RatingRuleViewSet(RestrictedReadOnlyViewSet):
    """The rating rules (評価基準) the city may use, each with its bands; the active one
    gives every indicator its verdict. Planners switch rules with ``activate``."""

    queryset = RatingRule.objects.prefetch_related("bands")
    serializer_class = RatingRuleSerializer
    lookup_field = "name"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None

    @extend_schema(request=None, responses={200: RatingRuleSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request, name=None, format=None):
        """Make this rule the one in use (planners only; a ward officer gets 403)."""
        indicator_policy.check_sets_rating_rule(request.user)  # 403 before a word on the rule
        rule = rating_rule_activate(user=request.user, rule=self.get_object())
        return Response(self.get_serializer(RatingRule.objects.get(pk=rule.pk)).data)
