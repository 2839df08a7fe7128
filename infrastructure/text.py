"""Text people type: one rule for every door, one cleaning for every export.

**The rule** (``validate_text``): text may hold any character but the control characters
(Unicode category Cc: U+0000–U+001F, U+007F, U+0080–U+009F) other than tab, line feed and
carriage return, and no unpaired surrogate (U+D800–U+DFFF, which no encoding can write and
PostgreSQL refuses). It is attached to the model fields (``PlainCharField``,
``PlainTextField``), so ``full_clean`` (every service), ModelForms (the admin), ModelSerializers
(the API) and the import sheets all apply it; the import engine applies it to every cell
(``imports/formats.py``), and inputs that are no model field (the workflow's comment) call it.

**The limits**: every text field has a maximum length (``LIMITS``, listed in docs/api.md).
``PlainTextField`` requires one; ``TextField`` alone would take a novel.

**Exports** (``export_text``): what is already stored is never a reason for an export to
fail. Every exporter passes its text through ``export_text`` (through ``escape_cell`` for
spreadsheets, the rendered document for HTML and PDF): refused characters are dropped, an
unpaired surrogate becomes U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

# Cc but tab (U+0009), line feed (U+000A) and carriage return (U+000D); then the surrogates.
# In a Python string a surrogate is always unpaired: a pair is one code point.
CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
SURROGATE = "\ud800-\udfff"
REFUSED = re.compile(f"[{CONTROL}{SURROGATE}]")
_CONTROL = re.compile(f"[{CONTROL}]")
SURROGATE_RE = re.compile(f"[{SURROGATE}]")

# Maximum lengths, in characters, of the text fields people type (docs/api.md lists which
# field has which).
MAX_COMMENT = 2_000  # a workflow transition's comment (submit, return, approve, reopen)
MAX_REASON = 1_000  # why a target was revised, why a stage moved back
MAX_NOTE = 1_000  # notes and remarks
MAX_EVALUATION = 4_000  # each text of an evaluation or of an initiative's yearly progress
MAX_DESCRIPTION = 4_000  # an overview, a lead, a description
MAX_BODY = 10_000  # a paragraph of the plan's text


def refused_character(text: str) -> str | None:
    """The first character the rule refuses, or None."""
    found = REFUSED.search(text)
    return found.group() if found else None


def refusal_message(character: str) -> str:
    """Why ``character`` is refused, naming it by its code point."""
    if SURROGATE_RE.fullmatch(character):
        return _("対になっていないサロゲート（U+%(code)04X）は使えません。") % {
            "code": ord(character)
        }
    return _("制御文字（U+%(code)04X）は使えません。") % {"code": ord(character)}


def validate_text(value: object) -> None:
    """Refuse text holding a control character (tab and line breaks are text) or an unpaired
    surrogate. The field the error belongs to is named by its key (API, admin, imports)."""
    if not isinstance(value, str):
        return
    character = refused_character(value)
    if character is not None:
        raise ValidationError(refusal_message(character), code="refused_character")


def validate_input(value: str, *, field: str, limit: int) -> str:
    """A text input that is no model field (the workflow's comment): the same rule and a
    limit, the error keyed by ``field``. Returns the value."""
    try:
        validate_text(value)
        MaxLengthValidator(limit)(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return value


def export_text(text: str) -> str:
    """``text`` as every export writes it: refused control characters dropped, an unpaired
    surrogate replaced by U+FFFD."""
    if not REFUSED.search(text):
        return text
    return SURROGATE_RE.sub("\ufffd", _CONTROL.sub("", text))


class PlainCharField(models.CharField):
    """A CharField under the text rule (``validate_text``). The rule is no part of the
    schema: migrations see a ``models.CharField``."""

    default_validators = [validate_text]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class PlainTextField(models.TextField):
    """A TextField under the text rule and with a maximum length, which model validation
    checks too (``models.TextField`` leaves it to forms). Migrations see a
    ``models.TextField`` with its ``max_length``."""

    default_validators = [validate_text]

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def clean_stored_text(model: type[models.Model], fields: Iterable[str]) -> int:
    """Drop refused characters from ``fields`` of every row of ``model`` (data migrations use
    this with the historical model). Writes with ``update()``, so no history row and no
    version change; returns how many rows changed."""
    fields = list(fields)
    changed = 0
    # The base manager: the rows as stored, whatever a model's default manager adds (the
    # indicators' joins their unit, which ``only`` would defer).
    rows = model._base_manager.only("pk", *fields).order_by("pk")
    for row in rows.iterator(chunk_size=500):
        cleaned = {
            name: export_text(value)
            for name in fields
            if isinstance(value := getattr(row, name), str) and REFUSED.search(value)
        }
        if cleaned:
            model._base_manager.filter(pk=row.pk).update(**cleaned)
            changed += 1
    return changed
