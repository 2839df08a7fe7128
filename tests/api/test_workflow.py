"""Workflow transitions, validation and optimistic locking through the domain services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import SchoolDistrict
from indicators.models import Indicator, IndicatorValue
from indicators.services import indicator_value_create, indicator_value_update
from infrastructure.workflow import Status, VersionConflict, record_transition
from programs.models import Initiative, InitiativeProgress, Section
from programs.services import initiative_progress_create
from tests.factories import value, ward

pytestmark = pytest.mark.django_db


def create(user, **fields):
    defaults = dict(
        indicator=Indicator.objects.get(code="KPI-3-1"),
        fiscal_year=2015,
        kind="actual",
        value=Decimal("115000"),
        ward=ward("chuo"),
    )
    return indicator_value_create(user=user, **{**defaults, **fields})


def test_draft_submitted_approved_with_who_when_and_comment(chuo_officer, planner):
    record = create(chuo_officer)
    assert (record.status, record.version) == (Status.DRAFT, 1)
    record = record_transition(
        record=record, transition="submit", user=chuo_officer, expected_version=1
    )
    record = record_transition(
        record=record,
        transition="approve",
        user=planner,
        comment="確認しました",
        expected_version=2,
    )
    record.refresh_from_db()
    assert (record.status, record.version) == (Status.APPROVED, 3)
    log = list(
        record.transitions.values_list(
            "transition", "from_status", "to_status", "user__username", "comment"
        )
    )
    assert log == [
        ("submit", "draft", "submitted", "chuo_officer", ""),
        ("approve", "submitted", "approved", "planner", "確認しました"),
    ]


def test_return_needs_a_comment_and_goes_back_to_draft(chuo_officer, planner):
    record = value(ward_code="chuo", status=Status.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        record_transition(record=record, transition="return", user=planner, comment="  ")
    assert "comment" in error.value.message_dict
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    record_transition(record=record, transition="return", user=planner, comment="数値を確認")
    record.refresh_from_db()
    assert record.status == Status.DRAFT
    assert record.transitions.get().comment == "数値を確認"


def test_a_ward_officer_never_approves(chuo_officer):
    record = value(ward_code="chuo", status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        record_transition(record=record, transition="approve", user=chuo_officer)
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED and not record.transitions.exists()


def test_only_the_right_state_moves(planner):
    draft = value(ward_code="chuo")
    with pytest.raises(ValidationError, match="下書き"):
        record_transition(record=draft, transition="approve", user=planner)


def test_approved_is_locked_until_a_planner_reopens_it(chuo_officer, planner):
    record = value(ward_code="chuo", status=Status.APPROVED)
    with pytest.raises(PermissionDenied):
        indicator_value_update(
            user=chuo_officer, record=record, expected_version=1, value=Decimal("1")
        )
    with pytest.raises(PermissionDenied):
        indicator_value_update(user=planner, record=record, expected_version=1, value=Decimal("1"))
    with pytest.raises(ValidationError):
        record_transition(record=record, transition="reopen", user=planner)  # no reason
    record_transition(record=record, transition="reopen", user=planner, comment="訂正のため")
    record.refresh_from_db()
    updated = indicator_value_update(
        user=chuo_officer, record=record, expected_version=record.version, value=Decimal("116000")
    )
    assert updated.value == Decimal("116000")


def test_the_second_of_two_editors_is_refused_with_what_changed(chuo_officer):
    record = create(chuo_officer)
    indicator_value_update(
        user=chuo_officer, record=record, expected_version=1, value=Decimal("120000"), note="first"
    )
    with pytest.raises(VersionConflict) as conflict:
        indicator_value_update(
            user=chuo_officer, record=record, expected_version=1, value=Decimal("130000")
        )
    assert conflict.value.record.version == 2
    assert conflict.value.changes["value"] == (Decimal("115000"), Decimal("120000"))
    assert conflict.value.changes["note"] == ("", "first")
    record.refresh_from_db()
    assert record.value == Decimal("120000")


def test_history_keeps_every_version_with_its_user(chuo_officer, planner):
    record = create(chuo_officer)
    record_transition(record=record, transition="submit", user=chuo_officer)
    record_transition(record=record, transition="approve", user=planner)
    history = list(
        record.history.order_by("history_date").values_list(
            "version", "status", "history_user__username", "history_change_reason"
        )
    )
    assert history == [
        (1, "draft", "chuo_officer", None),
        (2, "submitted", "chuo_officer", "submit"),
        (3, "approved", "planner", "approve"),
    ]


@pytest.mark.parametrize(
    ("indicator", "amount", "field", "message"),
    [
        ("KPI-1-1", "100.5", "value", "0〜100"),
        ("KPI-1-1", "-1", "value", "0〜100"),
        ("KPI-3-1", "10.5", "value", "0以上の整数"),
        ("KPI-3-1", "-3", "value", "0以上の整数"),
    ],
)
def test_values_are_checked_by_unit(chuo_officer, indicator, amount, field, message):
    with pytest.raises(ValidationError) as error:
        create(chuo_officer, indicator=Indicator.objects.get(code=indicator), value=Decimal(amount))
    assert message in error.value.message_dict[field][0]
    assert not IndicatorValue.objects.filter(origin="entry").exists()


def test_a_typed_district_count_is_not_capped_by_the_districts_imported(chuo_officer):
    for n in range(3):
        SchoolDistrict.objects.create(code=f"c{n}", name=f"校区{n}", ward=ward("chuo"))
    kpi = Indicator.objects.get(code="KPI-4-1")  # its actuals are derived; a baseline is typed
    assert create(chuo_officer, indicator=kpi, kind="baseline", value=Decimal("4")).value == 4


def test_the_fiscal_year_lies_within_the_plans_reach(chuo_officer):
    # The plan's own years run from FY2008 (H20) to FY2022 (H34).
    with pytest.raises(ValidationError) as error:
        create(chuo_officer, fiscal_year=2030)
    assert "fiscal_year" in error.value.message_dict
    assert create(chuo_officer, fiscal_year=2022).fiscal_year == 2022


def test_a_big_jump_against_last_year_needs_an_explanation(chuo_officer):
    value(ward_code="chuo", fiscal_year=2014, amount="100000", status=Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        create(chuo_officer, fiscal_year=2015, value=Decimal("151000"))
    assert "note" in error.value.message_dict
    explained = create(
        chuo_officer, fiscal_year=2015, value=Decimal("151000"), note="新施設の開設による増加"
    )
    assert explained.pk
    assert create(chuo_officer, fiscal_year=2016, value=Decimal("149000")).pk  # within 50%


def test_a_duplicate_is_a_clear_error(chuo_officer):
    create(chuo_officer)
    with pytest.raises(ValidationError) as error:
        create(chuo_officer)
    assert error.value.messages


def test_initiative_progress_goes_through_the_same_workflow(chuo_officer, planner):
    record = initiative_progress_create(
        user=chuo_officer,
        initiative=Initiative.objects.get(code="1-2-1"),
        fiscal_year=2015,
        ward=ward("chuo"),
        state="in_progress",
        results="ジュニアヘルパー養成講座を3回開催",
        events_held=3,
        trainees=45,
    )
    record_transition(record=record, transition="submit", user=chuo_officer)
    record_transition(record=record, transition="approve", user=planner)
    record.refresh_from_db()
    assert record.status == Status.APPROVED
    assert record.transitions.count() == 2


def test_initiative_progress_names_an_initiative_or_a_section_without_one(chuo_officer):
    section_4_1 = Section.objects.get(pillar__number=4, number=1)
    by_section = initiative_progress_create(
        user=chuo_officer, section=section_4_1, fiscal_year=2015, ward=ward("chuo")
    )
    assert by_section.pk
    with pytest.raises(ValidationError):
        initiative_progress_create(  # section 1-2 has numbered initiatives
            user=chuo_officer,
            section=Section.objects.get(pillar__number=1, number=2),
            fiscal_year=2015,
            ward=ward("chuo"),
        )
    with pytest.raises(PermissionDenied):
        initiative_progress_create(
            user=chuo_officer,
            initiative=Initiative.objects.get(code="1-2-1"),
            fiscal_year=2015,
            ward=ward("higashi"),
        )
    assert InitiativeProgress.objects.count() == 1
