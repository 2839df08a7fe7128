"""What each role may do with indicators, their figures, targets and the rating rules
(``infrastructure.policy``; the roles and rules: ``community.access``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.access import (
    READ,
    REPORT,
    REVIEW,
    WRITE,
    PlanContent,
    WardPlanContent,
    WardWorkflow,
)
from infrastructure import policy
from infrastructure.policy import APPROVE, CHANGE, CREATE
from programs.models import InitiativeProgress

from . import models

EVERYONE = {"public": READ, "ward_officer": READ, "department_officer": READ}


def register() -> None:
    policy.grant(models.Indicator, PlanContent(), **EVERYONE, planner=WRITE)
    # Common indicators: reference data shared by every municipality; everyone reads them,
    # the installation's administrator keeps them; planners map their indicators to them
    # (the indicator's ``common``, theirs to change).
    policy.grant(models.CommonIndicator, PlanContent(), **EVERYONE, planner=READ)
    policy.grant(
        models.IndicatorValue,
        WardWorkflow(
            department_items={
                # An indicator's 所管課 is its own, else its section's.
                "indicator": lambda department: (
                    Q(department=department)
                    | Q(department__isnull=True, section__department=department)
                )
            }
        ),
        public=READ,
        ward_officer=REPORT,
        department_officer=REPORT,
        planner=REVIEW,
    )
    policy.grant(models.IndicatorValueTransition, **EVERYONE, planner=READ)
    # Targets: everyone reads them; planners set them (a revision, or one the plan lacks).
    policy.grant(models.Target, WardPlanContent(), **EVERYONE, planner=WRITE)
    # Rating rules: everyone reads them; planners choose the one in use and edit bands.
    policy.grant(models.RatingRule, PlanContent(), **EVERYONE, planner=WRITE)
    policy.grant(models.RatingBand, PlanContent(), **EVERYONE, planner=WRITE)
    policy.grant(models.ReportingRound, planner=WRITE)
    policy.grant(models.Reminder, planner=READ)


def check_sets_targets(user) -> None:
    """Raise PermissionDenied unless the user may set targets."""
    policy.check_may(user, CREATE, models.Target, _("目標値は計画担当だけが設定できます。"))


def check_sets_rating_rule(user) -> None:
    """Raise PermissionDenied unless the user may choose the rating rule in use."""
    policy.check_may(user, CHANGE, models.RatingRule, _("評価基準は計画担当だけが選べます。"))


def may_clear_demo_data(user) -> bool:
    """Whether the user may remove the sample data: every sample figure and progress report,
    approved or not, in every ward; so those who approve both (planners)."""
    return policy.may(user, APPROVE, models.IndicatorValue) and policy.may(
        user, APPROVE, InitiativeProgress
    )


def check_clears_demo_data(user) -> None:
    """Raise PermissionDenied unless the user may remove the sample data."""
    refusal = _("見本のデータは計画担当だけが削除できます。")
    policy.check_may(user, APPROVE, models.IndicatorValue, refusal)
    policy.check_may(user, APPROVE, InitiativeProgress, refusal)
