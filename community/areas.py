"""The areas a municipality reports by, and its own word for them.

A designated city reports by its wards (区); another city by none, or by the areas it
declares in ``municipality.yaml`` (地区, 支所, 日常生活圏域 …). The rows are ``Ward`` rows
whatever the word (the name stays for API v1's ``ward`` field and filter); what people read
is the municipality's word, in the active language: ``area_word()``, or ``AREA`` where a
label is fixed at import time (a model field's ``verbose_name``, a column heading), or
``area_text`` for a sentence fixed at import time (a help text, a constraint's message).

The word and whether any area exists are read once per data generation of the tenant
(``infrastructure.response_cache``): loading a plan moves its municipality's generation on,
so no process keeps an old word past the change.

The models' labels are this module's lazy texts, so it reads the models through the app
registry rather than importing them (``community.models`` imports this module).

Django's schema commands (``makemigrations``, ``migrate``) and the permission names
(``verbose_name_raw``) read labels with no language active, and a constraint compares its
message while the models are being loaded: the lazy texts then give the default word without
asking the database, so a migration records 区 whatever the
municipality calls its areas (the word is data, not schema) and a database without its
tables yet can be migrated. A database without the tables (``check`` generating the API
schema before ``migrate``) reads as the default word and no areas."""

from __future__ import annotations

from typing import NamedTuple

from django.apps import apps
from django.db import DatabaseError
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext

from infrastructure import tenancy
from infrastructure.response_cache import generation

#: When no municipality is loaded yet (an empty database): the word of a designated city.
DEFAULT_WORD = "区"
DEFAULT_WORD_EN = "ward"
#: Where a message names the areas: ``%(area)s``, filled with the word in the active language.
PLACEHOLDER = "%(area)s"


class Areas(NamedTuple):
    word: str
    word_en: str
    exist: bool


#: By tenant (``infrastructure.tenancy``; None with one municipality installed): the data
#: generation the words were read in, and the words.
_cached: dict[int | None, tuple[int, Areas]] = {}


def areas() -> Areas:
    """The municipality's word for its areas (Japanese, English) and whether it has any."""
    current = generation()
    tenant = tenancy.current_id()
    found = _cached.get(tenant)
    if found is not None and found[0] == current:
        return found[1]
    try:
        municipality = apps.get_model("community", "Municipality").objects.order_by("pk").first()
        exist = apps.get_model("community", "Ward").objects.exists()
    except DatabaseError:
        # No tables yet: `check` (the API schema's labels) on a database not migrated.
        return Areas(DEFAULT_WORD, DEFAULT_WORD_EN, exist=False)
    found = Areas(
        word=(municipality.area_word if municipality else "") or DEFAULT_WORD,
        word_en=(municipality.area_word_en if municipality else "") or DEFAULT_WORD_EN,
        exist=exist,
    )
    _cached[tenant] = (current, found)
    return found


def area_word() -> str:
    """The word in the active language: 区 or 地区; in English lower case (ward, district)."""
    found = areas()
    return found.word_en if (get_language() or "").startswith("en") else found.word


def has_areas() -> bool:
    """Whether the municipality reports by areas at all (a city without wards: no)."""
    return areas().exist


def has_ward_offices() -> bool:
    """Whether the areas are a designated city's wards, each with its office (区役所) that
    people may be sent to; other areas (地区, 日常生活圏域 …) need not have one."""
    found = areas()
    return found.exist and found.word == DEFAULT_WORD


def area_context() -> dict:
    """What a template needs to speak of the areas: ``area_word`` (区, 地区 …; ward,
    district …), ``has_areas`` and ``ward_offices``. Every page has it (the site's context
    processor); a document rendered without a request (a stored report, an e-mail) is given
    it."""
    return {
        "area_word": area_word(),
        "has_areas": has_areas(),
        "ward_offices": has_ward_offices(),
    }


def _schema_only() -> bool:
    """No language active (a schema command, see the module's docstring), or the models not
    loaded yet (a constraint compares its message while its class is being made)."""
    return get_language() is None or not apps.models_ready


def _label_word() -> str:
    return DEFAULT_WORD if _schema_only() else area_word()


def _capitalised() -> str:
    word = _label_word()
    return word[:1].upper() + word[1:]


def _capitalised_plural() -> str:
    # English adds an s (wards, districts); Japanese has no plural.
    word = _capitalised()
    return f"{word}s" if (get_language() or "").startswith("en") else word


def _area_text(message: str, without: str | None = None) -> str:
    if _schema_only():
        return message.replace(PLACEHOLDER, DEFAULT_WORD)
    if without is not None and not has_areas():
        return gettext(without)
    return gettext(message).replace(PLACEHOLDER, area_word())


#: The word, capitalised, evaluated when shown: for labels fixed at import time
#: (``verbose_name``, a column heading): 区, Ward; 地区, District.
AREA = lazy(_capitalised, str)()

#: The plural label (a model's ``verbose_name_plural``): 区, Wards.
AREAS = lazy(_capitalised_plural, str)()

#: ``area_text(gettext_noop("…%(area)s…"))``: the message translated and its ``%(area)s``
#: filled with the word, when shown; its other placeholders stay for the caller to fill.
#: With ``without``, that message instead where the municipality has no areas.
area_text = lazy(_area_text, str)
