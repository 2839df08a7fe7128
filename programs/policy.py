"""What each role may do with the plan's content and its progress reports
(``infrastructure.policy``; the roles and rules: ``community.access``)."""

from django.db.models import Q

from community.access import (
    READ,
    REPORT,
    REVIEW,
    WRITE,
    PlanContent,
    WardWorkflow,
)
from infrastructure import policy
from infrastructure.policy import CREATE, VIEW

from . import models

PLAN_MODELS = (
    models.Plan,
    models.PriorityArea,
    models.Pillar,
    models.Section,
    models.Challenge,
    models.Initiative,
    models.Action,
    models.Figure,
)


def register() -> None:
    for model in PLAN_MODELS:
        policy.grant(
            model,
            PlanContent(),
            public=READ,
            ward_officer=READ,
            department_officer=READ,
            planner=WRITE,
        )
    policy.grant(
        models.InitiativeProgress,
        WardWorkflow(
            department_items={
                "initiative": lambda department: Q(department=department),
                "section": lambda department: Q(department=department),
            }
        ),
        public=READ,
        ward_officer=REPORT,
        department_officer=REPORT,
        planner=REVIEW,
    )
    policy.grant(
        models.InitiativeProgressTransition,
        public=READ,
        ward_officer=READ,
        department_officer=READ,
        planner=READ,
    )
    # The stored council report: planners make it; the file is the planners' too.
    policy.grant(models.AnnualReport, planner={VIEW, CREATE})
