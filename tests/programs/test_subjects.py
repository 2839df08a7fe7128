"""The subject of a row (a pillar, a section or an initiative held in nullable foreign keys):
one abstraction in programs (``OneSubject``, ``one_subject_constraint``, ``subject_code``,
``subjects_by_code``) for initiative progress, actions and evaluations. Reproduces the three
copies of the one-subject check, of ``subject`` and of the code, and the two lookup tables of
the progress and evaluation sheets."""

import pytest
from django.db import models

from evaluations.models import Evaluation
from evaluations.resources import load_items
from programs.models import (
    ITEM_SUBJECTS,
    SUBJECT_KINDS,
    Action,
    Initiative,
    InitiativeProgress,
    OneSubject,
    Pillar,
    Section,
    one_subject_constraint,
    subject_code,
)
from programs.resources import load_subjects
from programs.selectors import current_plan, subjects_by_code

ROWS = [
    (InitiativeProgress, ITEM_SUBJECTS, "progress_has_one_subject"),
    (Action, ITEM_SUBJECTS, "action_has_one_parent"),
    (Evaluation, SUBJECT_KINDS, "evaluation_has_one_subject"),
]


@pytest.mark.parametrize(("model", "kinds", "name"), ROWS)
def test_each_row_with_a_subject_uses_the_one_abstraction(model, kinds, name):
    assert issubclass(model, OneSubject)
    assert kinds == model.SUBJECTS
    checks = [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]
    # The same constraint, under the same name, as the migrations made: no schema change.
    assert one_subject_constraint(kinds, name=name) in checks


@pytest.mark.django_db
@pytest.mark.parametrize("kind", SUBJECT_KINDS)
def test_subject_kind_code_and_key_of_an_evaluation(kind):
    subject = {
        "pillar": Pillar.objects.of_current_plan().get(number=1),
        "section": Section.objects.get(pillar__number=1, number=2, pillar__plan=current_plan()),
        "initiative": Initiative.objects.get(code="1-2-1", pillar__plan=current_plan()),
    }[kind]
    record = Evaluation(fiscal_year=2024, stage="primary")
    assert record.subject is None and record.subject_key is None and record.subject_code == ""
    record.subject = subject
    assert record.subject == subject
    assert record.subject_kind == kind
    assert record.subject_key == (kind, subject.pk)
    assert record.subject_code == {"pillar": "1", "section": "1-2", "initiative": "1-2-1"}[kind]
    assert record.subject_kind_label == str(Evaluation._meta.get_field(kind).verbose_name)
    assert record.has_one_subject()


@pytest.mark.django_db
def test_setting_a_subject_clears_the_other_and_refuses_a_kind_the_row_has_not():
    section = Section.objects.get(pillar__number=4, number=1, pillar__plan=current_plan())
    initiative = Initiative.objects.get(code="1-2-1", pillar__plan=current_plan())
    progress = InitiativeProgress(initiative=initiative, fiscal_year=2024)
    progress.subject = section
    assert (progress.initiative, progress.section) == (None, section)
    with pytest.raises(ValueError):
        progress.subject = section.pillar


@pytest.mark.django_db
def test_the_progress_and_evaluation_sheets_look_subjects_up_in_one_table():
    plan = current_plan()
    everything = subjects_by_code(plan)
    assert load_items() == everything
    assert load_subjects() == subjects_by_code(plan, kinds=ITEM_SUBJECTS)
    assert load_subjects() == {
        code: s for code, s in everything.items() if not isinstance(s, Pillar)
    }
    for code, subject in everything.items():
        assert subject_code(subject) == code
    assert isinstance(everything["1"], Pillar)
    assert isinstance(everything["4-1"], Section)
    assert isinstance(everything["1-2-1"], Initiative)
