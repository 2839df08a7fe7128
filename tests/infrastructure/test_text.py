"""The text rule and the limits (infrastructure/text.py), on their own: which characters
are refused, what exports write instead, and that every text field people type has a
documented limit its validation enforces (issue 18, items 5, 6 and 8)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from infrastructure.text import (
    PlainCharField,
    PlainTextField,
    export_text,
    refused_character,
    validate_input,
    validate_text,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"

REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"]
ALLOWED = ["\t", "\n", "\r\n", "地域福祉", "ｶﾀｶﾅ", "①", "😀", "\u3000", "~", "\xa0", "\ufffd"]


@pytest.mark.parametrize("character", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_and_unpaired_surrogates_are_refused_naming_the_code_point(character):
    with pytest.raises(ValidationError) as error:
        validate_text(f"理由{character}です")
    assert f"U+{ord(character):04X}" in error.value.messages[0]


@pytest.mark.parametrize("text", ALLOWED)
def test_tab_line_breaks_and_every_other_character_are_text(text):
    validate_text(f"理由{text}です")  # no error
    assert refused_character(text) is None
    assert export_text(text) == text


def test_the_message_reads_in_japanese_and_in_english():
    from django.utils import translation

    with pytest.raises(ValidationError) as japanese:
        validate_text("a\x01")
    assert japanese.value.messages == ["制御文字（U+0001）は使えません。"]
    with translation.override("en"), pytest.raises(ValidationError) as english:
        validate_text("a\ud800")
    assert english.value.messages == ["An unpaired surrogate (U+D800) is not allowed."]


def test_an_export_drops_control_characters_and_replaces_a_surrogate():
    assert export_text("a\x00b\x01c\x1bd\x7fe\x85f\tg\r\nh") == "abcdef\tg\r\nh"
    assert export_text("x\ud800y") == "x\ufffdy"


def test_an_input_that_is_no_field_is_refused_under_its_own_name():
    with pytest.raises(ValidationError) as error:
        validate_input("a\x00", field="comment", limit=10)
    assert list(error.value.message_dict) == ["comment"]
    with pytest.raises(ValidationError) as error:
        validate_input("a" * 11, field="comment", limit=10)
    assert list(error.value.message_dict) == ["comment"]
    assert validate_input("a" * 10, field="comment", limit=10) == "a" * 10


def _text_fields():
    """Every CharField and TextField of the apps' models, but the historical copies."""
    for model in apps.get_models():
        if model._meta.app_label not in {"community", "programs", "indicators", "evaluations"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.CharField | models.TextField):
                yield model, field


# Text no person types: a choice, an error a job wrote, a reminder the system composed.
NOT_TYPED = {
    ("indicators", "Reminder", "email"),
    ("indicators", "Reminder", "subject"),
    ("indicators", "Reminder", "body"),
    ("programs", "AnnualReport", "error"),
}


def test_every_text_field_people_type_is_under_the_rule_with_a_limit():
    """Issue 18 item 6: a TextField had no limit (a 100,000-character target reason)."""
    missing = []
    for model, field in _text_fields():
        key = (model._meta.app_label, model.__name__, field.name)
        if field.choices or key in NOT_TYPED or isinstance(field, models.SlugField):
            continue
        if field.name in {"code", "municipality_code"} and model.__name__ in {
            "Municipality",
            "Ward",
        }:
            continue  # six digits with their check digit (validate_municipality_code)
        if key == ("community", "StaffProfile", "prefecture_code"):
            continue  # two digits (community.models.PREFECTURE_CODE)
        if key == ("evaluations", "Evaluation", "rating"):
            continue  # a code of the active rule, or refused (Evaluation.clean)
        if key == ("community", "CommunityResource", "website"):
            assert validate_text in field.validators
            continue
        if not isinstance(field, PlainCharField | PlainTextField):
            missing.append(key)
            continue
        assert field.max_length, key
        assert validate_text in field.validators, key
        with pytest.raises(ValidationError):
            field.run_validators("a" * (field.max_length + 1))
        with pytest.raises(ValidationError):
            field.run_validators("a\x01")
    assert missing == []


def test_the_docs_list_every_limit():
    """docs/api.md has one row per limited text field: `app.Model.field` | limit."""
    documented = dict(
        re.findall(r"^\| `(\w+\.\w+\.\w+)` \| ([\d,]+) \|", DOCS.read_text(), flags=re.M)
    )
    for model, field in _text_fields():
        if isinstance(field, PlainTextField):
            key = f"{model._meta.app_label}.{model.__name__}.{field.name}"
            assert documented.get(key, "").replace(",", "") == str(field.max_length), key
