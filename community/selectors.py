"""Reads of the community's records shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import CommunityResource, LifeStage, Ward


def life_stage_named(text: str) -> LifeStage | None:
    """A life stage by its code (old-age) or its Japanese name (高齢期)."""
    text = (text or "").strip()
    return LifeStage.objects.filter(Q(code=text) | Q(name=text)).first() if text else None


def ward_named(text: str) -> Ward | None:
    """A ward by its name or its code."""
    text = (text or "").strip()
    return Ward.objects.filter(Q(code=text) | Q(name=text)).first() if text else None


def consultation_places(
    *, life_stage: LifeStage | None = None, ward: Ward | None = None
) -> QuerySet[CommunityResource]:
    """Where one can consult: the directory's consultation bodies serving ``life_stage``, in
    ``ward`` and city-wide (a city-wide body serves every ward), the ward's own first."""
    places = CommunityResource.objects.filter(consultation=True)
    if life_stage is not None:
        places = places.filter(life_stages=life_stage)
    if ward is not None:
        places = places.filter(Q(ward=ward) | Q(ward__isnull=True))
    return (
        places.select_related("organisation_type", "ward", "school_district")
        .prefetch_related("life_stages", "pillars")
        .annotate(
            city_wide=Case(
                When(ward__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("city_wide", "ward__position", "organisation_type__position", "name", "pk")
        .distinct()
    )
