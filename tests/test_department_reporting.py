"""Departments (所管課) report their own items' city-wide figures and progress; nobody approves
a record they entered or submitted (four eyes), unless ALLOW_SELF_APPROVAL allows it."""

from __future__ import annotations

import pytest
from django.db.models import Q

from community.access import Role
from indicators.models import Indicator, IndicatorValue
from infrastructure.workflow import Status, Transition
from programs.models import Initiative, InitiativeProgress
from tests.api.conftest import client_for
from tests.conftest import _staff
from tests.factories import value

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_indicator(welfare_department):
    """An indicator of a section whose department (所管課) is the welfare department."""
    indicator = Indicator.objects.filter(section__isnull=False).order_by("pk").first()
    section = indicator.section
    section.department = welfare_department
    section.save()
    return indicator


@pytest.fixture
def second_planner(db):
    return _staff("second_planner", Role.PLANNER)


def _enter(user, indicator, *, ward=None, value="123"):
    body = {
        "indicator": indicator.code,
        "fiscal_year": "平成28年度",
        "kind": "actual",
        "value": value,
    }
    if ward:
        body["ward"] = ward
    return client_for(user).post("/api/v1/indicator-values/", body, format="json")


def _transition(user, record_id: int, name: str, etag: str, **body):
    return client_for(user).post(
        f"/api/v1/indicator-values/{record_id}/{name}/", body, format="json", HTTP_IF_MATCH=etag
    )


def test_a_department_officer_enters_and_submits_its_items_city_wide_figure(
    dept_officer, section_indicator, planner
):
    created = _enter(dept_officer, section_indicator)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["ward"] is None and record["status"] == Status.DRAFT
    submitted = _transition(dept_officer, record["id"], "submit", created["ETag"])
    assert submitted.status_code == 200, submitted.content
    approved = _transition(planner, record["id"], "approve", submitted["ETag"])
    assert approved.status_code == 200, approved.content
    public = client_for().get(f"/api/v1/indicator-values/{record['id']}/")
    assert public.status_code == 200 and public.json()["status"] == Status.APPROVED


def test_a_department_officer_never_approves(dept_officer, section_indicator):
    created = _enter(dept_officer, section_indicator)
    submitted = _transition(dept_officer, created.json()["id"], "submit", created["ETag"])
    refused = _transition(dept_officer, created.json()["id"], "approve", submitted["ETag"])
    assert refused.status_code == 403
    assert "計画担当" in refused.json()["error"]["message"]


def test_a_department_officer_enters_no_wards_figure_and_no_other_departments(
    dept_officer, section_indicator, other_department
):
    ward_value = _enter(dept_officer, section_indicator, ward="中央区")
    assert ward_value.status_code == 403
    assert "他の区" in ward_value.json()["error"]["message"]
    elsewhere = Indicator.objects.exclude(pk=section_indicator.pk).first()
    elsewhere.department = other_department
    elsewhere.save()
    refused = _enter(dept_officer, elsewhere)
    assert refused.status_code == 403
    assert "所管課" in refused.json()["error"]["message"]


def test_an_indicators_own_department_comes_before_its_sections(
    dept_officer, section_indicator, other_department
):
    section_indicator.department = other_department
    section_indicator.save()
    assert _enter(dept_officer, section_indicator).status_code == 403
    section_indicator.department = dept_officer.staff_profile.department
    section_indicator.save()
    assert _enter(dept_officer, section_indicator).status_code == 201


def test_a_department_officer_sees_its_drafts_and_not_another_departments(
    dept_officer, section_indicator, other_department, planner
):
    mine = _enter(dept_officer, section_indicator).json()
    elsewhere = Indicator.objects.exclude(pk=section_indicator.pk).order_by("pk").first()
    elsewhere.department = other_department
    elsewhere.save()
    theirs = {"id": value(indicator=elsewhere.code, fiscal_year=2024).pk}
    reader = client_for(dept_officer)
    assert reader.get(f"/api/v1/indicator-values/{mine['id']}/").status_code == 200
    assert reader.get(f"/api/v1/indicator-values/{theirs['id']}/").status_code == 404


def test_a_planner_does_not_approve_what_they_submitted(planner, second_planner, chuo_officer):
    indicator = Indicator.objects.get(code="KPI-3-1")
    created = _enter(chuo_officer, indicator, ward="中央区")
    record_id = created.json()["id"]
    submitted = _transition(chuo_officer, record_id, "submit", created["ETag"])
    # A planner corrects the submitted figure: they entered it now, so another approves.
    changed = client_for(planner).patch(
        f"/api/v1/indicator-values/{record_id}/",
        {"value": "124"},
        format="json",
        HTTP_IF_MATCH=submitted["ETag"],
    )
    assert changed.status_code == 200, changed.content
    refused = _transition(planner, record_id, "approve", changed["ETag"])
    assert refused.status_code == 403
    assert "自分が入力または提出した記録は承認できません" in refused.json()["error"]["message"]
    approved = _transition(second_planner, record_id, "approve", changed["ETag"])
    assert approved.status_code == 200


def test_a_planners_own_city_wide_figure_needs_another_planner(planner, second_planner):
    indicator = Indicator.objects.get(code="KPI-3-1")
    created = _enter(planner, indicator)
    record_id = created.json()["id"]
    submitted = _transition(planner, record_id, "submit", created["ETag"])
    assert _transition(planner, record_id, "approve", submitted["ETag"]).status_code == 403
    record = IndicatorValue.objects.get(pk=record_id)
    assert record.status == Status.SUBMITTED
    assert _transition(second_planner, record_id, "approve", submitted["ETag"]).status_code == 200


def test_returning_and_reopening_are_not_entering(planner, second_planner, chuo_officer):
    """A planner who returned a record may approve it once it comes back: a transition is
    not an entry."""
    indicator = Indicator.objects.get(code="KPI-3-1")
    created = _enter(chuo_officer, indicator, ward="中央区")
    record_id = created.json()["id"]
    submitted = _transition(chuo_officer, record_id, "submit", created["ETag"])
    returned = _transition(planner, record_id, "return", submitted["ETag"], comment="確認")
    assert returned.status_code == 200
    again = _transition(chuo_officer, record_id, "submit", returned["ETag"])
    assert _transition(planner, record_id, "approve", again["ETag"]).status_code == 200


def test_a_small_town_may_allow_one_person_to_do_both(planner, settings):
    settings.ALLOW_SELF_APPROVAL = True
    indicator = Indicator.objects.get(code="KPI-3-1")
    created = _enter(planner, indicator)
    record_id = created.json()["id"]
    submitted = _transition(planner, record_id, "submit", created["ETag"])
    assert _transition(planner, record_id, "approve", submitted["ETag"]).status_code == 200
    log = IndicatorValue.objects.get(pk=record_id).transitions.order_by("pk")
    assert [(t.transition, t.user_id) for t in log] == [
        (Transition.SUBMIT, planner.pk),
        (Transition.APPROVE, planner.pk),
    ]


def test_a_department_officer_reports_its_initiatives_city_wide_progress(dept_officer):
    initiative = Initiative.objects.get(
        code="1-2-1", pillar__plan=dept_officer.staff_profile.department.municipality.plans.get()
    )
    response = client_for(dept_officer).post(
        "/api/v1/initiative-progress/",
        {"initiative": initiative.code, "fiscal_year": "平成28年度", "state": "in_progress"},
        format="json",
    )
    assert response.status_code == 201, response.content
    record = InitiativeProgress.objects.get(pk=response.json()["id"])
    assert record.ward_id is None and record.department_id == initiative.department_id
    other = Initiative.objects.exclude(department=initiative.department_id).first()
    refused = client_for(dept_officer).post(
        "/api/v1/initiative-progress/",
        {"initiative": other.code, "fiscal_year": "平成28年度", "state": "in_progress"},
        format="json",
    )
    assert refused.status_code == 403


def test_the_admin_offers_a_department_officer_only_its_own_items(
    dept_officer, section_indicator, client
):
    """The add forms list the department's own indicators and initiatives (policy.choices),
    not every item of the plan; a planner is offered every one."""
    client.force_login(dept_officer)
    form = client.get("/admin/indicators/indicatorvalue/add/").context["adminform"].form
    offered = set(form.fields["indicator"].queryset)
    assert section_indicator in offered
    assert offered == set(
        Indicator.objects.filter(
            Q(department=dept_officer.staff_profile.department)
            | Q(department__isnull=True, section__department=dept_officer.staff_profile.department)
        )
    )
    assert Indicator.objects.count() > len(offered)
    progress = client.get("/admin/programs/initiativeprogress/add/").context["adminform"].form
    assert {i.code for i in progress.fields["initiative"].queryset} == {"1-2-1"}


def test_the_admin_offers_a_planner_every_item(planner, client):
    client.force_login(planner)
    form = client.get("/admin/indicators/indicatorvalue/add/").context["adminform"].form
    assert form.fields["indicator"].queryset.count() == Indicator.objects.count()
