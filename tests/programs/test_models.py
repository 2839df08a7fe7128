import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from programs.models import Action, Challenge, Figure, Initiative, Pillar, Section

pytestmark = pytest.mark.django_db


def test_an_action_belongs_to_an_initiative_or_a_section_never_both_or_neither():
    initiative = Initiative.objects.get(code="1-1-1")
    section = Section.objects.get(pillar__number=4, number=1)
    for parents in ({"initiative": initiative, "section": section}, {}):
        action = Action(position=99, text="x", **parents)
        with pytest.raises(ValidationError):
            action.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            action.save()


def test_pillar_level_rows_cannot_share_a_position():
    # A plain unique constraint would let two rows with no section share position 1.
    pillar = Pillar.objects.get(number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Challenge.objects.create(pillar=pillar, section=None, position=1, text="duplicate")


def test_section_level_rows_cannot_share_a_position():
    section = Section.objects.get(pillar__number=1, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Challenge.objects.create(pillar=section.pillar, section=section, position=1, text="x")


def test_content_must_stay_in_its_pillar():
    other_pillar = Pillar.objects.get(number=3)
    section = Section.objects.get(pillar__number=1, number=1)
    challenge = Challenge(pillar=other_pillar, section=section, position=50, text="x")
    with pytest.raises(ValidationError) as error:
        challenge.full_clean()
    assert "section" in error.value.message_dict


def test_string_forms_name_the_plan_as_people_cite_it():
    assert str(Pillar.objects.get(number=1)) == "施策1 高齢者を地域全体で支える環境づくり"
    assert str(Section.objects.get(pillar__number=1, number=2)) == (
        "1-2 高齢者見守り体制の強化と地域資源の把握"
    )
    assert str(Initiative.objects.get(code="1-2-1")) == "1-2-1 高齢者見守り事業の推進"
    assert str(Figure.objects.get(pillar__number=3)) == "図1 子育て支援ネットワーク"


def test_theme_is_checked_by_the_database():
    """A pillar's theme is one the plan folder declared (programs.Theme), or none at all."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.filter(number=1).update(theme="sports")
        connection.check_constraints(table_names=[Pillar._meta.db_table])
