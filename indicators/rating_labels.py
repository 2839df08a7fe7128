"""A rating rule's name and a band's label in the reader's language.

Rules and bands are data that planners may edit: each has a Japanese ``label`` and an English
``label_en`` (``RatingRule``, ``RatingBand``), the presets shipped with both (migration
``0018_rating_english_labels``). ``rating_label`` gives the one to show: in English the
English label a planner gave; without one, the label's translation if the catalogue has it
(the presets' labels are marked for the translators in ``indicators.rating_rules`` and
``indicators.choices``), else the label as stored. So a preset's band reads 「概ね順調」 in
Japanese and "Mostly on track" in English, and a label a planner typed without an English
one reads as typed in every language.

Used where a band becomes a ``Rating`` (``indicators.progress``) and wherever a rule or band
is shown: every door (the API, the pages, the report, the admin) gets it from here.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext

from infrastructure.punctuation import in_english

from .choices import RulePreset
from .rating_rules import PRESET_BANDS

# The labels the presets ship with (marked for the translators where they are defined).
PRESET_LABELS = tuple(
    dict.fromkeys(band.label for bands in PRESET_BANDS.values() for band in bands)
)


def rating_label(label: str, label_en: str = "") -> str:
    """The label to show in the active language: ``label_en`` in English if given, else the
    catalogue's translation of ``label`` if it has one, else ``label`` as stored."""
    if label_en and in_english():
        return label_en
    return gettext(label) if label else label


# The same, looked up when shown: a rule cached once serves readers of every language.
rating_label_lazy = lazy(rating_label, str)


def rule_label(rule) -> str:
    """A rule's name in the active language (a ``Rule`` or a ``RatingRule``): as the planners
    left it, or, for a preset's fallback without one, the preset's own name."""
    if not rule.label:
        return str(RulePreset(rule.name).label)
    return rating_label(rule.label, rule.label_en)
