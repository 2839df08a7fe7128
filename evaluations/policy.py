"""What each role may do with evaluations (``infrastructure.policy``; the roles and rules:
``community.access``): departments (所管課) write their items' 一次評価, planners the rest."""

from community.access import READ, REPORT, REVIEW, WRITE, DepartmentWorkflow, PlanContent
from infrastructure import policy

from .choices import EvaluationStage
from .models import CommitteeMeeting, Evaluation, EvaluationTransition, EvaluationYear

EVERYONE = {"public": READ, "ward_officer": READ, "department_officer": READ}


def register() -> None:
    policy.grant(
        Evaluation,
        DepartmentWorkflow(
            lookups=("section__department", "initiative__department"),
            writes={"stage": EvaluationStage.PRIMARY},
        ),
        public=READ,
        ward_officer=READ,
        department_officer=REPORT,
        planner=REVIEW,
    )
    policy.grant(EvaluationTransition, **EVERYONE, planner=READ)
    # The year's committee and its meetings: public (the report prints them); planners keep them.
    for model in (EvaluationYear, CommitteeMeeting):
        policy.grant(model, PlanContent(), **EVERYONE, planner=WRITE)
