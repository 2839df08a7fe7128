"""Writes to indicators and their values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from programs.models import Pillar, Section

from .choices import ValueKind, ValueOrigin
from .models import Indicator, IndicatorValue

if TYPE_CHECKING:
    from kumamoto_welfare.sync import Synchroniser
    from programs.plan_data import PlanDocument


class PlanConflictError(Exception):
    """Loading the plan would change or delete progress data entered by staff."""


def indicators_sync_from_plan(*, sync: Synchroniser, document: PlanDocument) -> None:
    """Make the plan's indicators and their plan values (origin ``plan``) match ``document``.

    Values entered by staff are left alone; if one stands where the plan now puts a value,
    or belongs to an indicator the plan no longer has, nothing is written and the conflict is
    reported, for a person to resolve.
    """
    kept = []
    for position, (pillar_number, section_number, data) in enumerate(
        document.indicator_places(), start=1
    ):
        pillar = Pillar.objects.get(number=pillar_number)
        section = (
            Section.objects.get(pillar=pillar, number=section_number) if section_number else None
        )
        indicator = sync.upsert(
            Indicator,
            {"code": data.code},
            {
                "name": data.name,
                "unit": data.unit,
                "direction": data.direction,
                "pillar": pillar,
                "section": section,
                "position": position,
                "source": data.source,
                "notes": "\n".join(data.notes),
            },
        )
        kept_values = []
        for value in data.values:
            key = {
                "indicator": indicator,
                "fiscal_year": value.fiscal_year,
                "kind": value.kind,
                "ward": None,
            }
            if IndicatorValue.objects.filter(**key).exclude(origin=ValueOrigin.PLAN).exists():
                raise PlanConflictError(
                    _("%(code)s の%(year)s年度の%(kind)s は入力済みの値と重なります。")
                    % {
                        "code": data.code,
                        "year": value.fiscal_year,
                        "kind": ValueKind(value.kind).label,
                    }
                )
            kept_values.append(
                sync.upsert(
                    IndicatorValue,
                    key,
                    {
                        "value": value.value,
                        "as_of": value.as_of,
                        "note": value.note,
                        "source": document.title,
                        "origin": ValueOrigin.PLAN,
                    },
                )
            )
        sync.prune(indicator.values.filter(origin=ValueOrigin.PLAN), kept_values)
        kept.append(indicator)

    for stale in Indicator.objects.exclude(pk__in=[i.pk for i in kept]):
        if stale.values.exclude(origin=ValueOrigin.PLAN).exists():
            raise PlanConflictError(
                _("%(code)s は計画から外れましたが、入力済みの値があるため削除できません。")
                % {"code": stale.code}
            )
        sync.prune(stale.values.all(), [])
        sync.prune(Indicator.objects.filter(pk=stale.pk), [])
