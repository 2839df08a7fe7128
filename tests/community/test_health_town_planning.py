"""The health town-planning cycle: seven ordered steps per school district and year."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.choices import HealthTownPlanningStage as Stage
from community.services import health_town_planning_create, health_town_planning_update
from tests.community.helpers import district

pytestmark = pytest.mark.django_db


def test_a_district_moves_forward_through_the_steps(chuo_officer):
    record = health_town_planning_create(
        user=chuo_officer, school_district=district("C1"), fiscal_year=2015, stage=Stage.ANALYSIS
    )
    for step in (Stage.SHARING, Stage.PLAN, Stage.ACTION):
        record = health_town_planning_update(
            user=chuo_officer, record=record, expected_version=record.version, stage=step
        )
    record.refresh_from_db()
    assert (record.stage, record.version) == (Stage.ACTION, 4)
    assert record.history.first().history_user == chuo_officer


def test_going_back_within_a_year_needs_a_reason_kept_in_the_history(chuo_officer):
    record = health_town_planning_create(
        user=chuo_officer, school_district=district("C1"), fiscal_year=2015, stage=Stage.PLAN
    )
    with pytest.raises(ValidationError) as error:
        health_town_planning_update(
            user=chuo_officer, record=record, expected_version=1, stage=Stage.SHARING
        )
    assert "理由" in error.value.message_dict["stage"][0]
    record.refresh_from_db()
    assert record.stage == Stage.PLAN

    record = health_town_planning_update(
        user=chuo_officer,
        record=record,
        expected_version=1,
        stage=Stage.SHARING,
        reason="役員の交代で課題の共有をやり直す",
    )
    assert record.stage == Stage.SHARING
    assert "役員の交代" in record.history.first().history_change_reason


def test_a_new_year_starts_wherever_the_district_stands(chuo_officer):
    place = district("C1")
    health_town_planning_create(
        user=chuo_officer, school_district=place, fiscal_year=2015, stage=Stage.EVALUATION
    )
    next_year = health_town_planning_create(
        user=chuo_officer, school_district=place, fiscal_year=2016, stage=Stage.ANALYSIS
    )
    assert next_year.stage == Stage.ANALYSIS
    with pytest.raises(ValidationError, match="すでに"):
        health_town_planning_create(
            user=chuo_officer, school_district=place, fiscal_year=2016, stage=Stage.PLAN
        )


def test_the_date_lies_in_the_fiscal_year(chuo_officer):
    with pytest.raises(ValidationError) as error:
        health_town_planning_create(
            user=chuo_officer,
            school_district=district("C1"),
            fiscal_year=2015,
            stage=Stage.ANALYSIS,
            reached_on=datetime.date(2015, 3, 31),
        )
    assert "reached_on" in error.value.message_dict


def test_an_officer_enters_only_their_own_wards_districts(chuo_officer):
    with pytest.raises(PermissionDenied, match="他の区"):
        health_town_planning_create(
            user=chuo_officer,
            school_district=district("E1", "higashi"),
            fiscal_year=2015,
            stage=Stage.ANALYSIS,
        )
