"""KPI-4-1 and KPI-4-2 computed from the community's records, recomputed when they change."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from community.choices import HealthTownPlanningStage as Stage
from community.models import VolunteerProgram
from community.services import (
    health_town_planning_create,
    health_town_planning_update,
    volunteer_headcount_create,
    volunteer_headcount_update,
    volunteer_program_save,
)
from indicators.models import IndicatorValue, Target
from indicators.services import indicator_value_create
from infrastructure.workflow import Status, Transition, record_transition
from tests.community.helpers import district
from tests.factories import ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]


def actuals(code: str, fiscal_year: int = 2015) -> dict:
    values = IndicatorValue.objects.filter(
        indicator__code=code, kind="actual", fiscal_year=fiscal_year
    )
    return {(v.ward.code if v.ward else None): v for v in values}


@pytest.fixture
def districts_in_action(chuo_officer, higashi_officer, django_capture_on_commit_callbacks):
    """中央区: C1 in action, C2 evaluating, C3 still planning; 東区: E1 in action."""
    places = {
        code: district(code, "higashi" if code.startswith("E") else "chuo")
        for code in ("C1", "C2", "C3", "E1")
    }
    steps = {"C1": Stage.ACTION, "C2": Stage.EVALUATION, "C3": Stage.PLAN, "E1": Stage.ACTION}
    records = {}
    with django_capture_on_commit_callbacks(execute=True):
        for code, step in steps.items():
            officer = higashi_officer if code.startswith("E") else chuo_officer
            records[code] = health_town_planning_create(
                user=officer, school_district=places[code], fiscal_year=2015, stage=step
            )
    return records


def test_kpi_4_1_counts_districts_in_action_city_wide_and_per_ward(districts_in_action):
    values = actuals("KPI-4-1")
    assert {w: v.value for w, v in values.items()} == {None: 3, "chuo": 2, "higashi": 1}
    city = values[None]
    assert (city.origin, city.status) == ("derived", Status.DRAFT)
    counted = {source["id"] for source in city.computation}
    assert counted == {districts_in_action[c].pk for c in ("C1", "C2", "E1")}
    assert "活動の展開" in {source["stage"] for source in city.computation}


def test_a_change_recomputes_and_returns_an_approved_value_to_draft(
    districts_in_action, chuo_officer, planner, django_capture_on_commit_callbacks, settings
):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    city = actuals("KPI-4-1")[None]
    for transition in (Transition.SUBMIT, Transition.APPROVE):
        city = record_transition(record=city, transition=transition, user=planner)
    higashi = actuals("KPI-4-1")["higashi"]
    higashi = record_transition(record=higashi, transition=Transition.SUBMIT, user=planner)

    c3 = districts_in_action["C3"]
    with django_capture_on_commit_callbacks(execute=True):
        health_town_planning_update(
            user=chuo_officer, record=c3, expected_version=c3.version, stage=Stage.ACTION
        )

    city.refresh_from_db()
    assert (city.value, city.status) == (4, Status.DRAFT)
    log = city.transitions.last()
    assert (log.transition, log.from_status, log.user) == ("reopen", "approved", chuo_officer)
    assert "3 から 4" in log.comment
    # 東区 did not change: its submitted value is left as it was, nothing written.
    version = higashi.version
    higashi.refresh_from_db()
    assert (higashi.status, higashi.version) == (Status.SUBMITTED, version)


def test_an_equal_number_writes_nothing(
    districts_in_action, chuo_officer, planner, django_capture_on_commit_callbacks
):
    city = actuals("KPI-4-1")[None]
    city = record_transition(record=city, transition=Transition.SUBMIT, user=planner)
    c2 = districts_in_action["C2"]
    with django_capture_on_commit_callbacks(execute=True):
        health_town_planning_update(  # 活動の評価 → 活動の展開: still counted
            user=chuo_officer,
            record=c2,
            expected_version=c2.version,
            stage=Stage.ACTION,
            reason="評価の前に活動を追加",
        )
    history = city.history.count()
    city.refresh_from_db()
    assert (city.value, city.status, city.history.count()) == (3, Status.SUBMITTED, history)


def test_kpi_4_2_sums_the_health_volunteer_programs(
    chuo_officer, higashi_officer, planner, django_capture_on_commit_callbacks
):
    programs = {p.code: p for p in VolunteerProgram.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        food = volunteer_headcount_create(
            user=chuo_officer,
            program=programs["dietary-improvement-promoter"],
            fiscal_year=2015,
            ward=ward("chuo"),
            headcount=120,
        )
        volunteer_headcount_create(
            user=higashi_officer,
            program=programs["promoter-8020"],
            fiscal_year=2015,
            ward=ward("higashi"),
            headcount=80,
        )
        volunteer_headcount_create(  # not a health volunteer program: not counted
            user=chuo_officer,
            program=programs["dementia-supporter"],
            fiscal_year=2015,
            ward=ward("chuo"),
            headcount=999,
        )
        volunteer_headcount_create(  # counted city-wide only
            user=planner,
            program=programs["mental-health-welfare-volunteer"],
            fiscal_year=2015,
            ward=None,
            headcount=30,
        )
    values = actuals("KPI-4-2")
    assert {w: v.value for w, v in values.items()} == {None: 230, "chuo": 120, "higashi": 80}
    assert len(values[None].computation) == 3

    city = record_transition(record=values[None], transition=Transition.SUBMIT, user=planner)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_headcount_update(
            user=chuo_officer, record=food, expected_version=food.version, headcount=125
        )
    city.refresh_from_db()
    assert (city.value, city.status) == (235, Status.DRAFT)
    assert city.transitions.last().transition == "return"

    # A program the city adds, counted once it is marked: every year is recomputed.
    with django_capture_on_commit_callbacks(execute=True):
        walking = volunteer_program_save(
            user=planner, program=VolunteerProgram(code="walking", name="ウォーキング推進員")
        )
        volunteer_headcount_create(
            user=chuo_officer, program=walking, fiscal_year=2015, ward=ward("chuo"), headcount=5
        )
    assert actuals("KPI-4-2")[None].value == 235
    with django_capture_on_commit_callbacks(execute=True):
        walking.health_volunteer = True
        volunteer_program_save(user=planner, program=walking)
    assert actuals("KPI-4-2")[None].value == 240
    # The plan's own programs keep the plan's classification.
    dementia = programs["dementia-supporter"]
    dementia.health_volunteer = True
    with pytest.raises(ValidationError, match="計画書の読み込み"):
        volunteer_program_save(user=planner, program=dementia)


def test_a_derived_actual_cannot_be_typed_or_changed_by_hand(districts_in_action, planner):
    from indicators.models import Indicator
    from indicators.services import indicator_value_update

    with pytest.raises(ValidationError, match="自動で計算"):
        indicator_value_create(
            user=planner,
            indicator=Indicator.objects.get(code="KPI-4-1"),
            fiscal_year=2016,
            kind="actual",
            value=Decimal(5),
        )
    city = actuals("KPI-4-1")[None]
    with pytest.raises(ValidationError, match="手で変更できません"):
        indicator_value_update(
            user=planner, record=city, expected_version=city.version, value=Decimal(2)
        )


def test_the_plans_values_are_never_touched(districts_in_action):
    plan = IndicatorValue.objects.filter(indicator__code="KPI-4-1", origin="plan")
    assert sorted(plan.values_list("kind", "value")) == [("baseline", 6)]
    target = Target.objects.get(indicator__code="KPI-4-1", origin="plan")
    assert (target.value, target.revised_in) == (95, None)
