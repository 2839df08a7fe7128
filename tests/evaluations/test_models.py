"""The evaluation record: one subject, one per year and stage, codes of the active rule."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evaluations.models import Evaluation
from indicators.selectors import rating_codes
from programs.models import Initiative, Pillar, Section
from tests.factories import evaluation

pytestmark = pytest.mark.django_db


def test_rating_codes_are_the_active_rules_bands():
    codes = rating_codes()
    assert codes[:4] == ["A", "B", "C", "D"]  # the default rule's bands, highest first
    assert all(len(code) <= Evaluation._meta.get_field("rating").max_length for code in codes)


def test_an_evaluation_has_exactly_one_subject_in_the_database():
    pillar = Pillar.objects.of_current_plan().get(number=1)
    section = Section.objects.get(pillar=pillar, number=2)
    for subjects in ({}, {"pillar": pillar, "section": section}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(fiscal_year=2016, stage="primary", **subjects)


def test_clean_names_the_missing_or_double_subject():
    pillar = Pillar.objects.of_current_plan().get(number=1)
    initiative = Initiative.objects.get(pillar=pillar, code="1-2-1")
    record = Evaluation(fiscal_year=2016, stage="primary", pillar=pillar, initiative=initiative)
    with pytest.raises(ValidationError, match="どれか一つ"):
        record.full_clean()


def test_one_evaluation_per_subject_year_and_stage():
    evaluation(section="1-2", stage="primary")
    duplicate = Evaluation(
        fiscal_year=2016, stage="primary", section=Section.objects.get(pillar__number=1, number=2)
    )
    with pytest.raises(ValidationError, match="すでに登録されています"):
        duplicate.full_clean()
    # Another stage, another year, or the pillar itself: each its own record.
    evaluation(section="1-2", stage="secondary")
    evaluation(section="1-2", stage="primary", fiscal_year=2017)
    evaluation(pillar=1, stage="primary")
    assert Evaluation.objects.count() == 4


def test_the_rating_must_be_a_code_of_the_active_rule():
    record = Evaluation(
        fiscal_year=2016,
        stage="secondary",
        pillar=Pillar.objects.of_current_plan().get(number=1),
        rating="Z",
    )
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "rating" in error.value.message_dict
    assert "「Z」" in error.value.message_dict["rating"][0]
    record.rating = "B"
    record.full_clean()


def test_direction_is_checked_by_the_database_too():
    record = evaluation(pillar=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=record.pk).update(direction="grow")


def test_subject_and_department(welfare_department):
    on_section = evaluation(section="1-2")
    on_initiative = evaluation(initiative="1-2-1")
    on_pillar = evaluation(pillar=1)
    unassigned = evaluation(section="1-3")
    assert on_section.subject == Section.objects.get(pillar__number=1, number=2)
    assert on_initiative.subject.code == "1-2-1"
    assert on_pillar.subject.number == 1
    assert on_section.department == welfare_department
    assert on_initiative.department_id == welfare_department.pk
    assert on_pillar.department is None and unassigned.department is None
    assert str(on_section) == "1-2 2016年度（平成28年度） 一次評価"


def test_evaluations_come_in_plan_order_then_stage_order():
    made = [
        evaluation(initiative="1-2-1", stage="council"),
        evaluation(section="1-2", stage="secondary"),
        evaluation(pillar=2, stage="primary"),
        evaluation(initiative="1-2-1", stage="primary"),
        evaluation(section="1-2", stage="primary"),
        evaluation(pillar=1, stage="secondary"),
        evaluation(section="1-1", stage="primary"),
        evaluation(initiative="2-3", stage="primary"),
    ]
    order = [
        (str(e.subject.code if hasattr(e.subject, "code") else e.subject.number), e.stage)
        for e in Evaluation.objects.filter(pk__in=[m.pk for m in made])
    ]
    assert order == [
        ("1", "secondary"),
        ("1-1", "primary"),
        ("1-2", "primary"),
        ("1-2", "secondary"),
        ("1-2-1", "primary"),
        ("1-2-1", "council"),
        ("2", "primary"),
        ("2-3", "primary"),
    ]
