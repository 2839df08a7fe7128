"""Who may write which evaluation: the department its items' 一次評価, planners the rest; in
the one policy (infrastructure.access), through the services."""

import pytest
from django.core.exceptions import PermissionDenied

from community import access
from community.access import Role, scope_of
from evaluations.models import Evaluation
from evaluations.services import (
    evaluation_approve,
    evaluation_create,
    evaluation_reopen,
    evaluation_return,
    evaluation_submit,
    evaluation_update,
)
from infrastructure import policy
from infrastructure.workflow import Status
from programs.models import Initiative, Pillar, Section
from tests.factories import evaluation

pytestmark = pytest.mark.django_db


def _section(code):
    pillar, number = code.split("-")
    return Section.objects.get(
        pillar__in=Pillar.objects.of_current_plan(), pillar__number=pillar, number=number
    )


def test_the_role_is_a_group_with_its_label(dept_officer):
    assert access.role_of(dept_officer) is Role.DEPARTMENT_OFFICER
    assert Role.DEPARTMENT_OFFICER.label == "所管課職員"
    assert dept_officer.has_perm("evaluations.add_evaluation")
    # City-wide figures of their department's indicators (tests/test_department_reporting.py).
    assert dept_officer.has_perm("indicators.add_indicatorvalue")
    assert not dept_officer.has_perm("evaluations.add_evaluationtransition")


def test_a_department_officer_writes_their_items_primary_evaluation(dept_officer):
    on_section = evaluation_create(
        user=dept_officer, section=_section("1-2"), fiscal_year=2016, stage="primary", rating="B"
    )
    on_initiative = evaluation_create(
        user=dept_officer,
        initiative=Initiative.objects.get(code="1-2-1"),
        fiscal_year=2016,
        stage="primary",
    )
    changed = evaluation_update(
        user=dept_officer, record=on_section, expected_version=1, analysis="担い手が増えた"
    )
    submitted = evaluation_submit(user=dept_officer, record=changed, expected_version=2)
    assert submitted.status == Status.SUBMITTED
    assert on_initiative.history.get().history_user == dept_officer
    with pytest.raises(PermissionDenied, match="承認・差し戻しは計画担当"):
        evaluation_approve(user=dept_officer, record=submitted)
    with pytest.raises(PermissionDenied, match="提出済み"):
        evaluation_update(user=dept_officer, record=submitted, expected_version=3, issues="x")


@pytest.mark.parametrize(
    ("subject", "stage", "reason"),
    [
        ({"section": "1-2"}, "secondary", "一次評価だけ"),
        ({"section": "1-2"}, "council", "一次評価だけ"),
        ({"section": "1-1"}, "primary", "他の所管課"),
        ({"section": "1-3"}, "primary", "所管課のない項目"),
        ({"pillar": 1}, "primary", "所管課のない項目"),
    ],
)
def test_a_department_officer_may_not_write_beyond_their_primary_evaluations(
    dept_officer, other_department, subject, stage, reason
):
    fields = {"fiscal_year": 2016, "stage": stage}
    if "section" in subject:
        fields["section"] = _section(subject["section"])
    else:
        fields["pillar"] = Pillar.objects.of_current_plan().get(number=subject["pillar"])
    with pytest.raises(PermissionDenied, match=reason):
        evaluation_create(user=dept_officer, **fields)
    assert not Evaluation.objects.exists()


def test_a_department_officer_cannot_move_their_evaluation_to_another_stage(dept_officer):
    record = evaluation(section="1-2", stage="primary")
    with pytest.raises(PermissionDenied, match="一次評価だけ"):
        evaluation_update(user=dept_officer, record=record, expected_version=1, stage="secondary")
    record.refresh_from_db()
    assert (record.stage, record.version) == ("primary", 1)


def test_ward_officers_write_no_evaluation(chuo_officer):
    with pytest.raises(PermissionDenied, match="所管課の職員と計画担当"):
        evaluation_create(
            user=chuo_officer,
            pillar=Pillar.objects.of_current_plan().get(number=1),
            fiscal_year=2016,
            stage="secondary",
        )


def test_planners_write_every_stage_and_run_the_workflow(planner, welfare_department, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    record = evaluation_create(
        user=planner, section=_section("1-2"), fiscal_year=2016, stage="primary", rating="A"
    )
    record = evaluation_submit(user=planner, record=record)
    record = evaluation_return(user=planner, record=record, comment="要因分析を書いてください")
    assert record.status == Status.DRAFT
    record = evaluation_submit(user=planner, record=record)
    record = evaluation_approve(user=planner, record=record)
    assert record.status == Status.APPROVED
    with pytest.raises(Exception, match="コメントが必要"):
        evaluation_reopen(user=planner, record=record)
    record = evaluation_reopen(user=planner, record=record, comment="評価を見直す")
    assert [t.transition for t in record.transitions.all()] == [
        "submit",
        "return",
        "submit",
        "approve",
        "reopen",
    ]
    assert record.transitions.get(transition="return").comment == "要因分析を書いてください"
    assert record.history.count() == 6  # created, then one version per transition


def test_who_sees_which_evaluations(dept_officer, chuo_officer, planner, other_department):
    own_draft = evaluation(section="1-2", stage="primary")
    own_secondary = evaluation(section="1-2", stage="secondary", status=Status.SUBMITTED)
    other_draft = evaluation(section="1-1", stage="primary")
    approved = evaluation(pillar=1, stage="secondary", status=Status.APPROVED)

    def seen(who):
        return set(Evaluation.objects.visible_to(who).values_list("pk", flat=True))

    from django.contrib.auth.models import AnonymousUser

    assert seen(AnonymousUser()) == {approved.pk}
    assert seen(chuo_officer) == {approved.pk}
    assert seen(dept_officer) == {own_draft.pk, own_secondary.pk, approved.pk}
    assert seen(planner) == {own_draft.pk, own_secondary.pk, other_draft.pk, approved.pk}
    editable = set(Evaluation.objects.editable_by(dept_officer).values_list("pk", flat=True))
    assert editable == {own_draft.pk}
    assert scope_of(dept_officer).key == f"department-{dept_officer.staff_profile.department_id}"


def test_a_department_officer_sees_no_other_wards_records(dept_officer):
    from tests.factories import value

    draft = value(ward_code="chuo")
    assert not policy.allowed(dept_officer, policy.VIEW, draft)
    assert not policy.allowed(dept_officer, policy.CHANGE, draft)
