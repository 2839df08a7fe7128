from rest_framework import viewsets

from community.models import SchoolDistrict, Ward
from kumamoto_welfare.api.permissions import ReadOrStaffWrite

from .serializers import SchoolDistrictSerializer, WardSerializer


class WardViewSet(viewsets.ReadOnlyModelViewSet):
    """The city's five wards."""

    queryset = Ward.objects.all()
    serializer_class = WardSerializer
    lookup_field = "code"
    permission_classes = [ReadOrStaffWrite]
    pagination_class = None


class SchoolDistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Elementary-school districts, as the city imported them."""

    queryset = SchoolDistrict.objects.select_related("ward")
    serializer_class = SchoolDistrictSerializer
    lookup_field = "code"
    permission_classes = [ReadOrStaffWrite]
    filterset_fields = {"ward__code": ["exact"], "ward__name": ["exact"]}
    ordering_fields = ["code", "name"]
