"""Evaluations and departments in the admin: the same policy and workflow as the API,
through real requests."""

import pytest
from django.urls import reverse

from community.models import Department
from evaluations.models import Evaluation
from infrastructure.workflow import Status
from programs.models import Initiative, Pillar, Section
from tests.factories import evaluation

pytestmark = pytest.mark.django_db

ADMIN = "admin:evaluations_evaluation"


def _section(code):
    pillar, number = code.split("-")
    return Section.objects.get(
        pillar__in=Pillar.objects.of_current_plan(), pillar__number=pillar, number=number
    )


def form_data(**fields) -> dict:
    data = {
        "fiscal_year": "2016",
        "pillar": "",
        "section": "",
        "initiative": "",
        "stage": "primary",
        "rating": "B",
        "results": "",
        "analysis": "担い手が増えた",
        "issues": "",
        "direction": "continue",
        "comment": "",
    }
    data.update(fields)
    return data


def test_a_department_officer_enters_their_primary_evaluation(client, dept_officer):
    client.force_login(dept_officer)
    page = client.get(reverse(f"{ADMIN}_add"))
    assert page.status_code == 200
    form = page.context["adminform"].form
    # Only their department's items, and no pillar (a pillar's evaluation is the planners').
    assert list(form.fields["section"].queryset) == [_section("1-2")]
    assert [i.code for i in form.fields["initiative"].queryset] == ["1-2-1"]
    assert not form.fields["pillar"].queryset.exists()
    response = client.post(reverse(f"{ADMIN}_add"), form_data(section=_section("1-2").pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = Evaluation.objects.get()
    assert (record.stage, record.rating, record.status) == ("primary", "B", "draft")
    assert record.history.get().history_user == dept_officer


def test_a_department_officer_cannot_enter_a_secondary_evaluation(client, dept_officer):
    client.force_login(dept_officer)
    response = client.post(
        reverse(f"{ADMIN}_add"), form_data(section=_section("1-2").pk, stage="secondary")
    )
    assert response.status_code == 200
    assert "一次評価だけ" in str(response.context["adminform"].form.non_field_errors())
    assert not Evaluation.objects.exists()


def test_a_bad_rating_is_an_error_on_its_field(client, planner):
    client.force_login(planner)
    pillar = Pillar.objects.of_current_plan().get(number=1)
    response = client.post(
        reverse(f"{ADMIN}_add"), form_data(pillar=pillar.pk, stage="secondary", rating="Z")
    )
    assert response.status_code == 200
    assert "評価「Z」は使えません" in str(response.context["adminform"].form.errors["rating"])


def test_ward_officers_read_approved_evaluations_only(client, chuo_officer):
    approved = evaluation(pillar=1, stage="secondary", status=Status.APPROVED)
    draft = evaluation(section="1-2")
    client.force_login(chuo_officer)
    listing = client.get(reverse(f"{ADMIN}_changelist"))
    assert list(listing.context["cl"].queryset) == [approved]
    assert client.get(reverse(f"{ADMIN}_change", args=[draft.pk])).status_code == 404
    assert client.get(reverse(f"{ADMIN}_add")).status_code == 403


def test_planners_approve_and_reopen_in_the_admin(client, planner, dept_officer):
    record = evaluation(section="1-2", status=Status.SUBMITTED)
    client.force_login(dept_officer)
    page = client.get(reverse(f"{ADMIN}_change", args=[record.pk]))
    assert page.context["transitions"] == []  # submitted: nothing left for the department
    client.force_login(planner)
    page = client.get(reverse(f"{ADMIN}_change", args=[record.pk]))
    assert {label for label, _url in page.context["transitions"]} == {"承認", "差し戻し"}
    response = client.post(
        reverse(f"{ADMIN}_transition", args=[record.pk, "approve"]),
        {"comment": "", "expected_version": record.version},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    response = client.post(
        reverse(f"{ADMIN}_transition", args=[record.pk, "reopen"]),
        {"comment": "数値の訂正", "expected_version": record.version},
    )
    record.refresh_from_db()
    assert record.status == Status.DRAFT
    assert record.transitions.last().comment == "数値の訂正"


def test_a_stale_form_names_what_the_other_person_changed(client, planner):
    record = evaluation(pillar=1, stage="secondary", analysis="最初")
    Evaluation.objects.filter(pk=record.pk).update(analysis="別の人", version=2)
    client.force_login(planner)
    response = client.post(
        reverse(f"{ADMIN}_change", args=[record.pk]),
        form_data(pillar=record.pillar_id, stage="secondary", expected_version=1),
    )
    assert response.status_code == 200
    assert "他の人が更新しました" in str(response.context["adminform"].form.non_field_errors())


def test_export_from_the_admin(client, planner):
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED)
    client.force_login(planner)
    response = client.get(reverse(f"{ADMIN}_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="evaluations.xlsx"' in response["Content-Disposition"]
    template = client.get(reverse(f"{ADMIN}_import_template"), {"fiscal_year": "2016"})
    assert template.status_code == 200
    assert 'filename="evaluations-city-2016.xlsx"' in template["Content-Disposition"]


def test_planners_keep_departments_and_assign_them(client, planner, dept_officer):
    from community.models import Municipality

    client.force_login(planner)
    response = client.post(
        reverse("admin:community_department_add"),
        {"municipality": Municipality.objects.get().pk, "name": "障がい保健福祉課", "position": 2},
    )
    assert response.status_code == 302
    department = Department.objects.get(name="障がい保健福祉課")
    initiative = Initiative.objects.get(code="1-3-1")
    page = client.get(reverse("admin:programs_initiative_change", args=[initiative.pk]))
    assert "department" in page.context["adminform"].form.fields
    client.force_login(dept_officer)
    assert client.get(reverse("admin:community_department_add")).status_code == 403
    assert department.history.get().history_user == planner
