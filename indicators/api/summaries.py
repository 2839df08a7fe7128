"""The cached summaries the API serves, computed in one place for the views and for the
task that warms them after an approval (``indicators.tasks``)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from community import access
from community.models import Ward
from indicators.models import Indicator
from indicators.selectors import (
    cached,
    indicators_with_progress,
    pillar_summaries,
    progress_by_indicator,
    ward_completeness,
)
from infrastructure.fiscal_year import current_fiscal_year, fiscal_year_label
from programs.models import Pillar, Plan
from programs.selectors import current_plan

from .serializers import IndicatorSerializer

# The scopes warmed after an approval; a ward officer's own (``ward-<id>``) is computed when
# first asked for.
WARMED_SCOPES = (access.PUBLIC, access.CITY_WIDE_SCOPE)


def indicators_payload(
    indicators, fiscal_year: int | None = None, ward: Ward | None = None
) -> list:
    """Each indicator with its progress as of ``fiscal_year`` (the current one if None), the
    city's or ``ward``'s."""
    progress = progress_by_indicator(
        indicators, up_to=fiscal_year, ward_id=ward.pk if ward else None
    )
    return IndicatorSerializer(indicators, many=True, context={"progress": progress}).data


def indicator_list_queryset():
    """The current plan's indicators."""
    return Indicator.objects.filter(plan=current_plan()).select_related("pillar", "section")


def cached_indicator_list(fiscal_year: int | None = None) -> list:
    year = current_fiscal_year() if fiscal_year is None else fiscal_year
    return cached(
        "indicators",
        lambda: indicators_payload(list(indicator_list_queryset()), year),
        year,
        translation.get_language(),
    )


def cached_indicator(indicator: Indicator, fiscal_year: int | None = None) -> dict:
    year = current_fiscal_year() if fiscal_year is None else fiscal_year
    return cached(
        "indicator",
        lambda: indicators_payload([indicator], year)[0],
        indicator.pk,  # codes are unique within a plan only
        year,
        translation.get_language(),
    )


def dashboard_payload(
    year: int, scope: access.Scope, plan: Plan | None = None, ward: Ward | None = None
) -> dict:
    """Of ``plan``, the current plan by default; of the city and every ward, or of ``ward``
    alone (its indicators measured for it, its own reporting)."""
    plan = plan or current_plan()
    pillars = pillar_summaries(
        Pillar.objects.filter(plan=plan),
        indicators_with_progress(
            up_to=year, plan=plan, related=False, ward_id=ward.pk if ward else None
        ),
    )
    wards = ward_completeness(
        [ward] if ward else Ward.objects.all(), fiscal_year=year, scope=scope, plan=plan
    )
    return {
        "fiscal_year": year,
        "fiscal_year_label": fiscal_year_label(year),
        "pillars": [
            {
                "number": row["pillar"].number,
                "title": row["pillar"].title,
                "indicators": row["indicators"],
                "by_status": row["by_status"],
                "mean_achievement_rate": (
                    f"{row['mean_achievement_rate']:.1f}"
                    if row["mean_achievement_rate"] is not None
                    else None
                ),
            }
            for row in pillars
        ],
        "wards": [
            {
                "ward": row["ward"].name,
                "indicator_values": row["indicator_values"],
                "initiative_progress": row["initiative_progress"],
            }
            for row in wards
        ],
    }


def cached_dashboard(
    year: int, scope: access.Scope, plan: Plan | None = None, ward: Ward | None = None
) -> dict:
    """The dashboard of ``plan`` (the current plan by default), of ``ward`` if given, as
    ``scope`` sees it: each ward's unapproved counts only where the scope covers that
    ward."""
    plan = plan or current_plan()
    key = (year, scope.key, plan.pk if plan else None, translation.get_language())
    return cached(
        "dashboard",
        lambda: dashboard_payload(year, scope, plan, ward),
        *key,
        *((ward.pk,) if ward else ()),  # the city's keys as they were
    )


def summaries_warm(*, fiscal_years: list[int]) -> int:
    """Compute and cache what the API serves most: the indicator list, every indicator and
    the dashboards of ``fiscal_years``, in every language. Returns how many were warmed."""
    warmed = 0
    indicators = list(indicator_list_queryset())
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            cached_indicator_list()
            warmed += 1
            for indicator in indicators:
                cached_indicator(indicator)
                warmed += 1
            for year in fiscal_years:
                for scope in WARMED_SCOPES:
                    cached_dashboard(year, scope)
                    warmed += 1
    return warmed
