"""Which plan an API request reads: ``?plan=<code>``, else the current plan
(``programs.selectors.current_plan``). Codes (pillar numbers, initiative and indicator codes)
are unique within a plan, so every plan-content endpoint, and every code a request body
names, is resolved within that one plan."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from programs.models import Plan
from programs.selectors import UnknownPlanError, current_plan, plan_by_code

PLAN_PARAMETER = OpenApiParameter(
    "plan",
    OpenApiTypes.STR,
    description="The plan's code; absent for the current plan. Codes such as KPI-1-1, "
    "pillar numbers and initiative codes are unique within a plan.",
)


def plan_from_request(request) -> Plan | None:
    """The plan ``?plan=`` names (404 if none has that code), else the current plan. Kept
    on the request, so a request resolves it once."""
    if request is None:
        return current_plan()
    if not hasattr(request, "_welfare_plan"):
        try:
            request._welfare_plan = plan_by_code(request.query_params.get("plan"))
        except UnknownPlanError as error:
            raise NotFound(f"No plan {error.args[0]!r}.") from error
    return request._welfare_plan


class PlanScopedMixin:
    """A viewset whose rows are those of one plan: ``plan_filter(plan)`` gives the filter
    (a Q object or keyword arguments)."""

    plan_lookup = "plan"

    def plan_filter(self, plan):
        return {self.plan_lookup: plan}

    def get_queryset(self):
        condition = self.plan_filter(plan_from_request(self.request))
        queryset = super().get_queryset()
        if isinstance(condition, dict):
            return queryset.filter(**condition)
        return queryset.filter(condition)


class PlanScopedSlugRelatedField(serializers.SlugRelatedField):
    """A row named by its code within the request's plan."""

    def __init__(self, *, plan_lookup: str = "plan", **kwargs):
        self.plan_lookup = plan_lookup
        super().__init__(**kwargs)

    def get_queryset(self):
        plan = plan_from_request(self.context.get("request"))
        return super().get_queryset().filter(**{self.plan_lookup: plan})
