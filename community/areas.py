"""The areas a municipality reports by, and its own word for them.

A designated city reports by its wards (区); another city by none, or by the areas it
declares in ``municipality.yaml`` (地区, 支所, 日常生活圏域 …). The rows are ``Ward`` rows
whatever the word (the name stays for API v1's ``ward`` field and filter); what people read
is the municipality's word, in the active language: ``area_word()``, or ``AREA`` where a
label is fixed at import time (a model field's ``verbose_name``, a column heading).

The word and whether any area exists are read once per data generation
(``infrastructure.response_cache``): loading another plan moves the generation on, so no
process keeps an old word past the change."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import lazy
from django.utils.translation import get_language

from infrastructure.response_cache import generation

from .models import Municipality, Ward

#: When no municipality is loaded yet (an empty database): the word of a designated city.
DEFAULT_WORD = "区"
DEFAULT_WORD_EN = "ward"


class Areas(NamedTuple):
    word: str
    word_en: str
    exist: bool


_cached: tuple[int, Areas] | None = None


def areas() -> Areas:
    """The municipality's word for its areas (Japanese, English) and whether it has any."""
    global _cached
    current = generation()
    if _cached is not None and _cached[0] == current:
        return _cached[1]
    municipality = Municipality.objects.order_by("pk").first()
    found = Areas(
        word=(municipality.area_word if municipality else "") or DEFAULT_WORD,
        word_en=(municipality.area_word_en if municipality else "") or DEFAULT_WORD_EN,
        exist=Ward.objects.exists(),
    )
    _cached = (current, found)
    return found


def area_word() -> str:
    """The word in the active language: 区 or 地区; in English lower case (ward, district)."""
    found = areas()
    return found.word_en if (get_language() or "").startswith("en") else found.word


def has_areas() -> bool:
    """Whether the municipality reports by areas at all (a city without wards: no)."""
    return areas().exist


#: The word, evaluated when shown: for labels fixed at import time (``verbose_name``).
AREA = lazy(lambda: area_word()[:1].upper() + area_word()[1:], str)()
