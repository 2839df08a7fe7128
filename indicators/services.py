"""Writes to indicators and their values."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import policy as indicator_policy
from infrastructure import policy
from infrastructure.fiscal_year import validate_reporting_year
from infrastructure.policy import CHANGE
from infrastructure.workflow import record_create, record_delete, record_update

from .choices import ValueOrigin
from .models import Indicator, IndicatorValue, RatingRule, Target
from .plausibility import validate_plausible
from .rating_rules import Band, problems

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from community.models import Ward


# --- Progress reporting: entering indicator values -----------------------------------------


def validate_derived_not_typed(record: IndicatorValue) -> None:
    """A derived value is the system's: nobody changes it by hand (typing an actual of a
    derived indicator is refused by ``IndicatorValue.clean``)."""
    if record.origin == ValueOrigin.DERIVED:
        raise ValidationError(
            _(
                "自動計算された値は手で変更できません。元になる地域の記録（健康まちづくりの"
                "段階、ボランティア数）を直すと再計算されます。"
            )
        )


def validate_value(record: IndicatorValue) -> None:
    """Rules across rows: the reporting year, and the indicator's plausibility rules (a
    figure outside them needs a reason, ``indicators.plausibility``)."""
    validate_derived_not_typed(record)
    validate_reporting_year(record.fiscal_year)
    validate_plausible(record)


def indicator_value_create(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    fiscal_year: int,
    kind: str,
    value: Decimal,
    ward: Ward | None = None,
    note: str = "",
    as_of: str = "",
    source: str = "",
) -> IndicatorValue:
    record = IndicatorValue(
        indicator=indicator,
        fiscal_year=fiscal_year,
        kind=kind,
        value=value,
        ward=ward,
        note=note,
        as_of=as_of,
        source=source,
        origin=ValueOrigin.ENTRY,
    )
    return record_create(record=record, user=user, validate=validate_value)


def indicator_value_update(
    *, user: AbstractBaseUser, record: IndicatorValue, expected_version: int | None, **changes
) -> IndicatorValue:
    return record_update(
        record=record,
        user=user,
        expected_version=expected_version,
        changes=changes,
        updatable=UPDATABLE_VALUE_FIELDS,
        validate=validate_value,
    )


UPDATABLE_VALUE_FIELDS = {
    "indicator",
    "fiscal_year",
    "kind",
    "value",
    "ward",
    "note",
    "as_of",
    "source",
}


def indicator_value_delete(
    *, user: AbstractBaseUser, record: IndicatorValue, expected_version: int | None
) -> None:
    record_delete(record=record, user=user, expected_version=expected_version)


# --- Targets (目標値) and their revisions --------------------------------------------------


def target_create(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    fiscal_year: int,
    value: Decimal,
    revised_in: int | None,
    reason: str = "",
    ward: Ward | None = None,
    note: str = "",
) -> Target:
    """Record a target set by a planner: a revision (``revised_in`` the fiscal year it is
    set in, with a reason) or, where the plan has none, an original. Earlier targets are
    never changed; which one is in force is ``indicators.targets``' answer."""
    indicator_policy.check_sets_targets(user)
    with transaction.atomic():
        # One revision at a time per indicator, so two planners' revisions get distinct,
        # ordered set_at times and neither is lost.
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        target = Target(
            indicator=indicator,
            fiscal_year=fiscal_year,
            value=value,
            revised_in=revised_in,
            reason=reason.strip(),
            ward=ward,
            note=note,
            origin=ValueOrigin.ENTRY,
            set_by=user,
            set_at=timezone.now(),
        )
        target.full_clean()
        target._history_user = user
        target.save()
    return target


def target_revise(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    fiscal_year: int,
    value: Decimal,
    revised_in: int,
    reason: str,
    ward: Ward | None = None,
    note: str = "",
) -> Target:
    """A revision (目標値の見直し): a new target, in force from ``revised_in`` on."""
    if revised_in is None:
        raise ValidationError({"revised_in": _("見直した年度を入力してください。")})
    return target_create(
        user=user,
        indicator=indicator,
        fiscal_year=fiscal_year,
        value=value,
        revised_in=revised_in,
        reason=reason,
        ward=ward,
        note=note,
    )


def target_delete(*, user: AbstractBaseUser, target: Target) -> None:
    """Remove a target recorded by mistake (the history keeps it); the plan's are load_plan's."""
    indicator_policy.check_sets_targets(user)
    if target.origin == ValueOrigin.PLAN:
        raise ValidationError(
            _(
                "計画書に載っている目標値は削除できません。"
                "見直すときは、新しい目標値を設定してください。"
            )
        )
    with transaction.atomic():
        target._history_user = user
        target.delete()


def rating_rule_activate(*, user: AbstractBaseUser, rule: RatingRule) -> RatingRule:
    """Make ``rule`` the one in use; every verdict from now on follows its bands. Refused
    while its bands could not judge every case."""
    indicator_policy.check_sets_rating_rule(user)
    policy.check(user, CHANGE, rule)  # a rule of the user's own municipality
    with transaction.atomic():
        rule = RatingRule.objects.select_for_update().get(pk=rule.pk)
        bands = [Band(b.code, b.label, b.group, b.use, b.minimum) for b in rule.bands.all()]
        if found := problems(bands):
            raise ValidationError(found)
        # One row at a time, so that the history records who switched which rule off. One
        # rule is active in each municipality: only the rule's own are switched off.
        actives = RatingRule.objects.select_for_update().filter(
            is_active=True, municipality=rule.municipality_id
        )
        for active in actives:
            if active.pk != rule.pk:
                active.is_active = False
                active._history_user = user
                active.save(update_fields=["is_active"])
        if not rule.is_active:
            rule.is_active = True
            rule._history_user = user
            rule.save(update_fields=["is_active"])
    return rule
