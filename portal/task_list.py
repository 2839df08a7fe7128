"""What waits for a person, on the admin index (``templates/admin/index.html``): drafts to
submit, records returned to them with the reason, submissions to approve and evaluations to
write, with counts and links to the filtered admin lists.

Every kind is read in a few queries, whatever the number of records: counts and the first
``SHOWN`` records of each model, the last transition of each through one subquery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from community.access import Role, scope_of
from evaluations.choices import EvaluationStage
from evaluations.models import Evaluation
from evaluations.selectors import missing_evaluations
from indicators.models import IndicatorValue
from indicators.selectors import default_fiscal_year
from infrastructure import policy
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.workflow import Status, Transition, entered_or_submitted
from programs.models import InitiativeProgress
from programs.selectors import current_plan

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

#: The progress records with the workflow, in the order the task list shows them.
WORKFLOW_MODELS = (IndicatorValue, InitiativeProgress, Evaluation)
#: How many records of each kind the list names; the count says how many there are.
SHOWN = 10
#: What each model's name (``__str__``) reads, fetched with the records.
RELATED = {
    IndicatorValue: ("indicator", "ward"),
    InitiativeProgress: ("initiative", "section", "ward"),
    Evaluation: ("pillar", "section", "initiative"),
}


@dataclass
class Returned:
    record: object
    url: str
    comment: str
    by: str


@dataclass
class Group:
    """One model's records of one kind: how many, the link to them, the first few."""

    label: str
    count: int
    url: str
    records: list = field(default_factory=list)


@dataclass
class Missing:
    """Evaluations to write: the items of a stage with none for the year."""

    stage: str
    fiscal_year: str  # its label (2016年度（平成28年度）)
    count: int
    items: list
    url: str


@dataclass
class TaskList:
    drafts: list[Group] = field(default_factory=list)
    returned: list[Group] = field(default_factory=list)
    to_approve: list[Group] = field(default_factory=list)
    evaluations: list[Missing] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.drafts or self.returned or self.to_approve or self.evaluations)


def _changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _change(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def _last_transition(model) -> QuerySet:
    logs = model._meta.get_field("transitions").related_model.objects.filter(record=OuterRef("pk"))
    return logs.order_by("-at", "-pk")


def with_last_transition(queryset: QuerySet) -> QuerySet:
    """The records with ``last_transition``, ``last_comment`` and ``last_user_id`` of their
    latest transition (one subquery each, in the same query)."""
    last = _last_transition(queryset.model)
    return queryset.annotate(
        last_transition=Subquery(last.values("transition")[:1]),
        last_comment=Subquery(last.values("comment")[:1]),
        last_user=Subquery(last.values("user__username")[:1]),
    )


def returned_records(model, user: AbstractBaseUser) -> QuerySet:
    """The drafts in the user's reach whose last transition was a return (差し戻し)."""
    return with_last_transition(model.objects.editable_by(user).filter(status=Status.DRAFT)).filter(
        last_transition=Transition.RETURN
    )


def _group(model, queryset: QuerySet, url: str, *, related=()) -> Group | None:
    count = queryset.count()
    if not count:
        return None
    records = list(queryset.select_related(*related)[:SHOWN]) if related else []
    return Group(str(model._meta.verbose_name), count, url, records)


def task_list(user: AbstractBaseUser) -> TaskList:
    """What waits for ``user`` (nothing for the public)."""
    tasks = TaskList()
    scope = scope_of(user)  # the role here: none in another municipality's site
    role = scope.role
    if role is None:
        return tasks
    for model in WORKFLOW_MODELS:
        drafts = model.objects.editable_by(user).filter(status=Status.DRAFT)
        if scope.city_wide:
            # Planners reach every draft; theirs to submit are those they entered.
            drafts = drafts.filter(entered_or_submitted(model, user.pk))
        if group := _group(model, drafts, _changelist(model, status__exact=Status.DRAFT)):
            tasks.drafts.append(group)
        returned = returned_records(model, user)
        if scope.city_wide:  # likewise: the returns of what the planner entered
            returned = returned.filter(entered_or_submitted(model, user.pk))
        returned = returned.select_related(*RELATED[model]).order_by("-updated_at")
        count = returned.count()
        if count:
            rows = [
                Returned(r, _change(r), r.last_comment, r.last_user or "") for r in returned[:SHOWN]
            ]
            ids = ",".join(str(r.record.pk) for r in rows)
            url = _changelist(model, id__in=ids) if count <= SHOWN else _changelist(model)
            tasks.returned.append(Group(str(model._meta.verbose_name), count, url, rows))
        if scope.city_wide:
            waiting = model.objects.restrict(user, policy.APPROVE).filter(status=Status.SUBMITTED)
            if not settings.ALLOW_SELF_APPROVAL:
                waiting = waiting.exclude(entered_or_submitted(model, user.pk))
            url = _changelist(model, status__exact=Status.SUBMITTED)
            if group := _group(model, waiting, url):
                tasks.to_approve.append(group)
    tasks.evaluations = evaluations_to_write(user, role=role, scope=scope)
    return tasks


def evaluations_to_write(user, *, role: Role, scope) -> list[Missing]:
    """Department officers: their items' (sections', initiatives') missing 一次評価 for the
    default year; planners: the pillars' missing 二次評価. Of what the year expects
    (``evaluations.selectors.missing_evaluations``), those not written at all."""
    plan = current_plan()
    if plan is None:
        return []
    year = default_fiscal_year(plan)
    if role is Role.DEPARTMENT_OFFICER and scope.department_id:
        stage = EvaluationStage.PRIMARY

        def theirs(item) -> bool:
            return item.department_id == scope.department_id

    elif scope.city_wide:
        stage = EvaluationStage.SECONDARY

        def theirs(item) -> bool:
            return True

    else:
        return []
    items = [
        item
        for item, expected_stage in missing_evaluations(fiscal_year=year, plan=plan, written=True)
        if expected_stage == stage and theirs(item)
    ]
    if not items:
        return []
    url = _changelist(Evaluation, fiscal_year=year)
    return [Missing(stage.label, fiscal_year_label(year), len(items), items[:SHOWN], url)]
