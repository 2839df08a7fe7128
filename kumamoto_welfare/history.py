"""The history of a record (simple-history) as people read it: labels, not codes.

Every admin with a history (``kumamoto_welfare.admin_mixins.HistoryAdmin``) shows its versions
through this module: the kind of change (作成 / 変更 / 削除), the reason in words (「承認：…」, not
``approve: …``), and each changed field under its verbose name, with the before and after as
labels (a choice's label, a fiscal year's label, a figure in its indicator's decimals, 「—」 for
nothing, dates in the language's format).

Reasons are written as codes by the code that saves (``workflow.save_version`` writes
``<transition>: <comment>``, ``load_plan`` its name). The workflow's transitions are known
here; the apps register their own codes with ``reason_register`` (e.g. the derived
indicators' recomputations), so that this layer knows no higher one.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from kumamoto_welfare.display import EMPTY, figure_text
from kumamoto_welfare.fiscal_year import fiscal_year_label
from kumamoto_welfare.workflow import Transition

HISTORY_TYPES = {"+": _("作成"), "~": _("変更"), "-": _("削除")}

# Integer fields that hold a fiscal year: shown as 2015年度（平成27年度）, not 2,015.
FISCAL_YEAR_FIELDS = frozenset({"fiscal_year", "revised_in", "period_start", "period_end"})

_REASONS: dict[str, str | Promise] = {
    "load_plan": _("計画書のデータの読み込み"),
    "migrated from indicator values": _("指標の値から目標値への移行"),
}


def reason_register(code: str, label: str | Promise) -> None:
    """Name a change reason an app writes as a code (``record._change_reason = code``)."""
    _REASONS[code] = label


def reason_label(reason: str | None, *, with_comment: bool = True) -> str:
    """A change reason in words: 「承認：数値を確認」 for ``approve: 数値を確認``; a reason a
    person typed (e.g. why a stage went back) as it is. Without ``with_comment`` (a reader
    outside the record's scope: ``access.in_scope``), a transition's label alone (「承認」)
    and nothing a person typed."""
    if not reason:
        return ""
    if reason in _REASONS:
        return str(_REASONS[reason])
    code, _colon, comment = reason.partition(":")
    if code in Transition.values:
        label = str(Transition(code).label)
        comment = comment.strip()
        if not comment or not with_comment:
            return label
        return gettext("%(action)s：%(comment)s") % {"action": label, "comment": comment}
    return reason if with_comment else ""


def value_text(
    field: models.Field,
    value: Any,
    *,
    places: int | None = None,
    empty: str | Promise = EMPTY,
) -> str:
    """One field's value as the history shows it."""
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
    if isinstance(value, list):  # a many-to-many field's objects, or a JSON list
        # A JSON list of items with labels (a derived value's counted records) by its labels.
        items = (v.get("label", v) if isinstance(v, dict) else v for v in value)
        return "、".join(str(v) for v in items)
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("はい") if value else gettext("いいえ")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, int) and field.name in FISCAL_YEAR_FIELDS:
        return fiscal_year_label(value)
    if isinstance(value, Decimal):
        return figure_text(value, places)
    if isinstance(value, int) and not isinstance(field, models.ForeignKey):
        return figure_text(value)
    return str(value)


class HistoryContextHelper(HistoricalRecordContextHelper):
    """simple-history's helper for the changes between two versions, with the values as
    ``value_text`` gives them. ``places`` is the decimals of the record's figures (its
    indicator's), ``empty_labels`` what an empty field means (a ward left empty: 市全体)."""

    def __init__(self, model, historical_record, *, places=None, empty_labels=None, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.places = places
        self.empty_labels = empty_labels or {}

    def format_delta_change(self, change):
        field = self.model._meta.get_field(change.field)
        prepared = [self.prepare_delta_change_value(change, v) for v in (change.old, change.new)]
        old, new = (
            value_text(
                field,
                v,
                places=self.places,
                empty=self.empty_labels.get(field.name, EMPTY),
            )
            for v in prepared
        )
        old, new = self.get_obj_diff_display().common_shorten_repr(old, new)
        return dataclasses.replace(
            change,
            field=capfirst(field.verbose_name),
            old=conditional_escape(old),
            new=conditional_escape(new),
        )


def history_date_text(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


__all__ = [
    "HISTORY_TYPES",
    "HistoryContextHelper",
    "history_date_text",
    "reason_label",
    "reason_register",
    "value_text",
]
