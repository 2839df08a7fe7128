"""``?ward=`` outside a FilterSet: the API's views that take a ward as a query parameter read
it here, by the one rule (``community.selectors.ward_named``), and describe it alike in the
OpenAPI schema. The FilterSets use ``community.filters.WardFilter``, the same rule."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from community.filters import WARD_HELP
from community.models import Ward
from community.selectors import UnknownWardError, ward_named


def ward_parameter(request, name: str = "ward") -> Ward | None:
    """The ward the query parameter ``name`` names, None without one; a ward no one has is
    a 400 naming the parameter (never an empty answer, nor the city's)."""
    try:
        return ward_named(request.query_params.get(name))
    except UnknownWardError as error:
        raise serializers.ValidationError({name: [str(error)]}) from error


def ward_openapi_parameter(what: str) -> OpenApiParameter:
    """The ``ward`` query parameter in the schema: ``what`` it selects, then the forms it
    takes."""
    return OpenApiParameter("ward", OpenApiTypes.STR, description=f"{what} {WARD_HELP}")
