"""The history of a record (simple-history) as people read it: labels, not codes.

Every admin with a history (``infrastructure.admin_mixins.HistoryAdmin``) shows its versions
through this module: the kind of change (作成 / 変更 / 削除), the reason in words (「承認：…」, not
``approve: …``), and each changed field in the words of ``infrastructure.changes`` (its
verbose name, the before and after as labels: a choice's label, a fiscal year's label, a
figure in its indicator's decimals, 「—」 for nothing, dates in the language's format).

Reasons are written as codes by the code that saves (``workflow.save_version`` writes
``<transition>: <comment>``, ``load_plan`` its name). The workflow's transitions are known
here; the apps register their own codes with ``reason_register`` (e.g. the derived
indicators' recomputations), so that this layer knows no higher one.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from infrastructure.changes import FieldChange, field_change, places_of
from infrastructure.workflow import Transition

HISTORY_TYPES = {"+": _("作成"), "~": _("変更"), "-": _("削除")}

_UNSET = object()

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
    outside the record's scope: ``policy.in_scope``), a transition's label alone (「承認」)
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


class HistoryContextHelper(HistoricalRecordContextHelper):
    """simple-history's helper for the changes between two versions, each in the words of
    ``infrastructure.changes`` (the conflict message, the import preview and the plan
    loader's report say the same). ``places`` is the decimals of the record's figures (by
    default what the version's record declares: ``changes.places_of``)."""

    def __init__(self, model, historical_record, *, places=_UNSET, **kwargs):
        super().__init__(model, historical_record, **kwargs)
        self.places = places_of(historical_record) if places is _UNSET else places

    def context_for_delta_changes(self, delta) -> list[FieldChange]:
        """Each change as ``changes.FieldChange``: the template shows its ``heading`` (the
        label, in bold) and its ``values``, which together read as its ``text``."""
        return [self.change_words(change) for change in delta.changes]

    def change_words(self, change) -> FieldChange:
        old, new = (self.prepare_delta_change_value(change, v) for v in (change.old, change.new))
        return field_change(self.model, change.field, old, new, places=self.places)


def history_date_text(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


__all__ = [
    "HISTORY_TYPES",
    "HistoryContextHelper",
    "history_date_text",
    "reason_label",
    "reason_register",
]
