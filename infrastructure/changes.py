"""A change of a field as people read it: one wording for every door.

Each field's old and new value become words here, and nowhere else: the admin's history
(``infrastructure.history``), a version conflict's message (``workflow.VersionConflict``:
the admin's form and the API's 412), the import preview (``imports.resources``) and the plan
loader's report (``sync.SyncReport``). A change reads 「年度：2015年度（平成27年度） →
2016年度（平成28年度）」 in all four:

- the field's verbose name as its label;
- a choice by its label, a boolean as はい / いいえ, a foreign key by its object's ``str``
  (a key given as a number is looked up), a list by its items (``label`` of a JSON item);
- a fiscal year with its era (``fiscal_year.fiscal_year_label``);
- a figure in its record's decimals (``display.figure_text``), a count with separators;
- dates and times in the language's format;
- 「—」 for nothing, or what nothing means for that field (a ward left empty: 市全体);
- long text shortened around the first difference, as simple-history shows it.

This layer knows no domain model. What it needs to know of one is declared on the model, or
passed in by the caller:

- ``figure_places`` (a property of the record): the decimals its figures print with (an
  indicator value: its indicator's ``decimal_places``); callers may pass ``places``;
- ``FISCAL_YEAR_FIELDS`` (a class attribute): the integer fields holding a fiscal year, by
  default those named in ``FISCAL_YEAR_FIELDS`` below;
- ``EMPTY_LABELS`` (a class attribute): what an empty field means, by default ``EMPTY_LABELS``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

from infrastructure.display import EMPTY, figure_text
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.punctuation import joined

# Integer fields that hold a fiscal year, unless the model names its own: shown as
# 2015年度（平成27年度）, not 2,015.
FISCAL_YEAR_FIELDS = frozenset({"fiscal_year", "revised_in", "period_start", "period_end"})

# What an empty field means, unless the model says otherwise: a record without a ward is
# city-wide.
EMPTY_LABELS: Mapping[str, str | Promise] = {"ward": _("市全体")}

# Longer text is shortened around the first difference (the history's length).
MAX_SHOWN = HistoricalRecordContextHelper.DEFAULT_MAX_DISPLAYED_DELTA_CHANGE_CHARS

_UNSET: Any = object()


@dataclasses.dataclass(frozen=True)
class FieldChange:
    """One field's change in words: ``label`` its verbose name, ``old`` and ``new`` its
    values as people read them (never empty: 「—」 or the field's own word for nothing)."""

    field: str
    label: str
    old: str
    new: str
    # The line: 「値：99,999 → 20,100」 (kept as a field, so that a stored report has it).
    text: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", self.heading + self.values)

    @property
    def heading(self) -> str:
        """The label as it leads the line: 「値：」 (the history sets it in bold)."""
        return gettext("%(label)s：") % {"label": self.label}

    @property
    def values(self) -> str:
        """The before and after: 「99,999 → 20,100」."""
        return gettext("%(old)s → %(new)s") % {"old": self.old, "new": self.new}

    def __str__(self) -> str:
        return self.text


def _model_of(record_or_model) -> type[models.Model]:
    if isinstance(record_or_model, type):
        return record_or_model
    return type(_record_of(record_or_model))


def _record_of(record):
    """A model instance for a simple-history version (its ``instance``), else ``record``."""
    if hasattr(type(record), "instance_type") and hasattr(record, "history_id"):
        return record.instance
    return record


def places_of(record) -> int | None:
    """The decimals ``record``'s figures print with, as the record declares them
    (``figure_places``); None if it declares none (figures shown as they are)."""
    if record is None or isinstance(record, type):
        return None
    return getattr(_record_of(record), "figure_places", None)


def is_fiscal_year(model: type[models.Model], field: models.Field) -> bool:
    names = getattr(model, "FISCAL_YEAR_FIELDS", FISCAL_YEAR_FIELDS)
    return field.name in names and not field.is_relation


def empty_label(model: type[models.Model], field: models.Field) -> str | Promise:
    return getattr(model, "EMPTY_LABELS", EMPTY_LABELS).get(field.name, EMPTY)


def _related(field: models.Field, value: Any) -> Any:
    """A foreign key given by its key (a conflict's attname values): its object."""
    if not field.is_relation or value is None or isinstance(value, models.Model | list):
        return value
    if isinstance(value, DeletedObject):
        return value
    found = field.related_model._base_manager.filter(pk=value).first()
    if found is None:
        return gettext("削除された%(model)s（%(pk)s）") % {
            "model": field.related_model._meta.verbose_name,
            "pk": value,
        }
    return found


def value_words(
    field: models.Field,
    value: Any,
    *,
    places: int | None = None,
    empty: str | Promise = EMPTY,
    fiscal_year: bool | None = None,
) -> str:
    """One field's value in words. ``fiscal_year`` says whether an integer is a fiscal year
    (by default: the field is named in ``FISCAL_YEAR_FIELDS``)."""
    if fiscal_year is None:
        fiscal_year = field.name in FISCAL_YEAR_FIELDS and not field.is_relation
    if isinstance(value, DeletedObject):
        if value.pk is None:  # simple-history's stand-in for an empty foreign key
            value = None
        else:
            return gettext("削除された%(model)s（%(pk)s）") % {
                "model": value.model._meta.verbose_name,
                "pk": value.pk,
            }
    if value is None or value == "" or value == []:
        return str(empty)
    value = _related(field, value)
    if isinstance(value, list):  # a many-to-many field's objects, or a JSON list
        # A JSON list of items with labels (a derived value's counted records) by its labels.
        items = (v.get("label", v) if isinstance(v, dict) else v for v in value)
        return joined(items)
    if getattr(field, "flatchoices", None) and not field.is_relation:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("はい") if value else gettext("いいえ")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, int) and fiscal_year:
        return fiscal_year_label(value)
    if isinstance(value, Decimal | float):
        return figure_text(value, places)
    if isinstance(value, int):
        return figure_text(value)
    return str(value)


def field_change(
    record_or_model,
    name: str,
    old: Any,
    new: Any,
    *,
    places: int | None = _UNSET,
    empty: str | Promise | None = None,
) -> FieldChange:
    """The change of field ``name`` (its name or attname) of a record (or its model) from
    ``old`` to ``new``, in words. ``places`` defaults to what the record declares
    (``places_of``); ``empty`` to the model's word for nothing."""
    model = _model_of(record_or_model)
    field = model._meta.get_field(name)
    if places is _UNSET:
        places = places_of(record_or_model)
    if empty is None:
        empty = empty_label(model, field)
    fiscal_year = is_fiscal_year(model, field)
    before, after = (
        value_words(field, v, places=places, empty=empty, fiscal_year=fiscal_year)
        for v in (old, new)
    )
    before, after = ObjDiffDisplay(max_length=MAX_SHOWN).common_shorten_repr(before, after)
    return FieldChange(field.name, str(capfirst(field.verbose_name)), before, after)


def describe(
    record_or_model,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    places: int | None = _UNSET,
) -> list[FieldChange]:
    """``{field: (old, new)}`` of a record (or its model), in words, in the given order."""
    if places is _UNSET:
        places = places_of(record_or_model)
    return [
        field_change(record_or_model, name, old, new, places=places)
        for name, (old, new) in changes.items()
    ]


__all__ = [
    "EMPTY_LABELS",
    "FISCAL_YEAR_FIELDS",
    "FieldChange",
    "describe",
    "empty_label",
    "field_change",
    "is_fiscal_year",
    "places_of",
    "value_words",
]
