from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from community.api.parameters import ward_openapi_parameter, ward_parameter
from community.filters import (
    WARD_HELP,
    CommunityResourceFilter,
    HealthTownPlanningFilter,
    SchoolDistrictFilter,
    VolunteerHeadcountFilter,
)
from community.models import (
    CommunityResource,
    HealthTownPlanningRecord,
    Municipality,
    SchoolDistrict,
    VolunteerHeadcount,
    VolunteerProgram,
    Ward,
)
from community.selectors import (
    UnknownWardError,
    consultation_places,
    life_stage_named,
    ward_named,
)
from community.services import (
    community_resource_delete,
    community_resource_update,
    health_town_planning_delete,
    health_town_planning_update,
    volunteer_headcount_delete,
    volunteer_headcount_update,
)
from infrastructure.api.permissions import ReadOrStaffWrite
from infrastructure.api.viewsets import (
    RestrictedListView,
    RestrictedReadOnlyViewSet,
    RestrictedRetrieveView,
)
from infrastructure.api.workflow import VersionedViewSet
from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year

from .serializers import (
    CommunityResourceSerializer,
    HealthTownPlanningSerializer,
    MunicipalitySerializer,
    SchoolDistrictSerializer,
    VolunteerHeadcountSerializer,
    VolunteerProgramSerializer,
    WardSerializer,
)


class MunicipalityView(RestrictedRetrieveView):
    """The municipality this installation serves, as the plan's data files name it, with
    its 全国地方公共団体コード and the codes of its wards."""

    serializer_class = MunicipalitySerializer
    permission_classes = [ReadOrStaffWrite]

    def get_object(self):
        municipality = self.filter_queryset(Municipality.objects.prefetch_related("wards")).first()
        if municipality is None:
            raise NotFound("No municipality is loaded (python manage.py load_plan).")
        return municipality


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=WARD_HELP)
        ]
    )
)
class WardViewSet(RestrictedReadOnlyViewSet):
    """The municipality's wards, each with its own 全国地方公共団体コード. One ward is found by
    any name it answers to (``community.selectors.ward_named``)."""

    queryset = Ward.objects.all()
    serializer_class = WardSerializer
    lookup_field = "code"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None

    def get_object(self):
        try:
            ward = ward_named(self.kwargs[self.lookup_field])
        except UnknownWardError as error:
            raise NotFound(str(error)) from error
        wards = self.filter_queryset(self.get_queryset())
        found = wards.filter(pk=ward.pk).first() if ward is not None else None
        if found is None:
            raise NotFound()
        self.check_object_permissions(self.request, found)
        return found


class SchoolDistrictViewSet(RestrictedReadOnlyViewSet):
    """Elementary-school districts, as the city imported them (``import_school_districts``
    or the admin); none is invented."""

    queryset = SchoolDistrict.objects.select_related("ward")
    serializer_class = SchoolDistrictSerializer
    lookup_field = "code"
    permission_classes = [ReadOrStaffWrite]
    filterset_class = SchoolDistrictFilter
    ordering_fields = ["code", "name", "ward__position"]


class CommunityResourceViewSet(VersionedViewSet):
    """The directory of community resources (地域資源). Public to read; a ward officer writes
    their own ward's entries, planners any; the plan's own entries are read-only."""

    queryset = CommunityResource.objects.select_related(
        "organisation_type", "ward", "school_district"
    ).prefetch_related("life_stages", "pillars")
    serializer_class = CommunityResourceSerializer
    filterset_class = CommunityResourceFilter
    ordering_fields = ["name", "ward__position", "organisation_type__position", "updated_at"]
    update_service = staticmethod(community_resource_update)
    delete_service = staticmethod(community_resource_delete)


class HealthTownPlanningViewSet(VersionedViewSet):
    """The stage each school district reached in a fiscal year in the seven steps of health
    town-planning (1 健康課題の分析 … 6 活動の展開, 7 活動の評価). KPI-4-1 is computed from
    these."""

    queryset = HealthTownPlanningRecord.objects.select_related("school_district__ward")
    serializer_class = HealthTownPlanningSerializer
    filterset_class = HealthTownPlanningFilter
    ordering_fields = ["fiscal_year", "school_district__code", "stage", "updated_at"]
    update_service = staticmethod(health_town_planning_update)
    delete_service = staticmethod(health_town_planning_delete)


class VolunteerHeadcountViewSet(VersionedViewSet):
    """Volunteer headcounts per program, fiscal year and ward (or city-wide). KPI-4-2 is the
    sum over the health volunteer programs."""

    queryset = VolunteerHeadcount.objects.select_related("program", "ward")
    serializer_class = VolunteerHeadcountSerializer
    filterset_class = VolunteerHeadcountFilter
    ordering_fields = ["fiscal_year", "program__position", "ward__position", "updated_at"]
    update_service = staticmethod(volunteer_headcount_update)
    delete_service = staticmethod(volunteer_headcount_delete)


YEAR_AND_WARD = [
    OpenApiParameter("fiscal_year", OpenApiTypes.STR, description="Headcounts of this year only."),
    ward_openapi_parameter("Headcounts of this ward."),
]


@extend_schema(parameters=YEAR_AND_WARD)
class VolunteerProgramViewSet(RestrictedReadOnlyViewSet):
    """Volunteer programs, with their headcounts (``volunteer-headcounts/`` to write them)."""

    serializer_class = VolunteerProgramSerializer
    lookup_field = "code"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None
    filterset_fields = {"health_volunteer": ["exact"]}

    def get_queryset(self):
        counts = VolunteerHeadcount.objects.select_related("ward").order_by(
            "fiscal_year", "ward__position"
        )
        if raw := self.request.query_params.get("fiscal_year"):
            try:
                counts = counts.filter(fiscal_year=parse_fiscal_year(raw))
            except FiscalYearError as error:
                raise serializers.ValidationError({"fiscal_year": [str(error)]}) from error
        if ward := ward_parameter(self.request):
            counts = counts.filter(ward=ward)
        return VolunteerProgram.objects.select_related("pillar").prefetch_related(
            Prefetch("headcounts", queryset=counts)
        )


@extend_schema(
    parameters=[
        OpenApiParameter(
            "life_stage",
            OpenApiTypes.STR,
            description="Code or name: early-childhood/幼児期, school-age/学齢期, "
            "youth-adult/青年期・成人期, old-age/高齢期.",
        ),
        ward_openapi_parameter("Bodies of this ward; city-wide bodies always included."),
    ]
)
class ConsultationView(RestrictedListView):
    """'Where can I consult?': the directory's consultation bodies for a life stage, in a
    ward and city-wide, the ward's own first."""

    serializer_class = CommunityResourceSerializer
    permission_classes = [ReadOrStaffWrite]
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        errors = {}
        life_stage = life_stage_named(params.get("life_stage", ""))
        if params.get("life_stage") and life_stage is None:
            errors["life_stage"] = ["Unknown life stage."]
        try:
            ward = ward_named(params.get("ward"))
        except UnknownWardError as error:
            ward = None
            errors["ward"] = [str(error)]
        if errors:
            raise serializers.ValidationError(errors)
        return consultation_places(life_stage=life_stage, ward=ward)
