"""A rating band's label in the reader's language.

Bands are data (``RatingBand.label``) that planners may edit, so their labels are not in the
code's gettext calls. The labels the presets ship with are marked for the translators in
``indicators.rating_rules`` (``gettext_noop``); ``rating_label`` looks any label up in the
catalogue at display time, so a preset's label reads 「概ね順調」 in Japanese and "Mostly on
track" in English, and a label a planner typed reads as typed in every language.

Used where a band becomes a ``Rating`` (``indicators.progress``): every door (the API, the
pages, the report, the admin) gets the label in the active language from there.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext

from .rating_rules import PRESET_BANDS

# The labels the presets ship with (marked for the translators where they are defined).
PRESET_LABELS = tuple(
    dict.fromkeys(band.label for bands in PRESET_BANDS.values() for band in bands)
)


def rating_label(label: str) -> str:
    """``label`` in the active language: its translation if the catalogue has one, else the
    label as stored."""
    return gettext(label) if label else label


# The same, looked up when shown: a rule cached once serves readers of every language.
rating_label_lazy = lazy(rating_label, str)
