"""Reads of the community's records shared by the pages and the API."""

from __future__ import annotations

import unicodedata

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from .areas import area_word
from .models import CommunityResource, LifeStage, Municipality, Ward


def life_stage_named(text: str) -> LifeStage | None:
    """A life stage by its code (old-age) or its Japanese name (高齢期)."""
    text = (text or "").strip()
    return LifeStage.objects.filter(Q(code=text) | Q(name=text)).first() if text else None


class UnknownWardError(ValueError):
    """No ward answers to a text; the message names the text (区「…」はありません。, in the
    municipality's word for its areas)."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(
            _("%(area)s「%(value)s」はありません。") % {"area": area_word(), "value": text}
        )


def ward_choices(municipality: Municipality | None = None) -> QuerySet[Ward]:
    """The wards of ``municipality`` (and those of none, made before any was loaded); every
    ward without one."""
    if municipality is None:
        return Ward.objects.all()
    return Ward.objects.filter(Q(municipality=municipality) | Q(municipality__isnull=True))


def ward_named(text: str | None, *, municipality: Municipality | None = None) -> Ward | None:
    """The ward ``text`` names: by its code (the plan folder's slug), its own
    全国地方公共団体コード (six digits, where it has one) or its name, alike; full-width
    letters and digits as their plain forms, a code in any case. None for an empty text;
    ``UnknownWardError`` for a text no ward answers to, so that no caller can take an
    unknown ward for "every ward" or "no rows".

    The one rule behind every filter, path and query parameter that takes a ward: the API's
    FilterSets (``community.filters.WardFilter``), its other ``?ward=`` parameters
    (``community.api.parameters.ward_parameter``), the ward pages and the consultation
    finder. With ``municipality``, only its wards answer (``create_staff --municipality``)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    found = (
        ward_choices(municipality)
        .filter(Q(code=text.lower()) | Q(municipality_code=text) | Q(name=text))
        .first()
    )
    if found is None:
        raise UnknownWardError(text)
    return found


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
