"""A rating band's label in the reader's language.

Bands are data (``RatingBand.label``) that planners may edit, so their labels are not in the
code's gettext calls. The labels the presets ship with are listed here for the translators
(``gettext_noop``); ``rating_label`` looks any label up in the catalogue at display time, so
a preset's label reads 「概ね順調」 in Japanese and "Mostly on track" in English, and a label
a planner typed (not in the catalogue) reads as typed in every language.

Used where a band becomes a ``Rating`` (``indicators.selectors``): every door (the API, the
pages, the report, the admin) gets the label in the active language from there.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

# The labels of the rules' preset bands (issue 12: pace, fukuoka, attainment, statcan) and
# of the statuses they belong to.
PRESET_LABELS = (
    # pace (today's default scale)
    gettext_noop("順調"),
    gettext_noop("概ね順調"),
    gettext_noop("やや遅れ"),
    gettext_noop("遅れ"),
    # after the target year, and without an actual
    gettext_noop("達成"),
    gettext_noop("未達成"),
    gettext_noop("未把握"),
    # fukuoka (a / b / c)
    gettext_noop("目標達成に向け順調に進んでいる"),
    gettext_noop("基準値より改善（横ばいを含む）"),
    gettext_noop("基準値より後退"),
    # attainment
    gettext_noop("目標達成"),
    gettext_noop("概ね達成"),
    gettext_noop("一定の進捗"),
    gettext_noop("進捗が不十分"),
    # statcan (Open SDG)
    gettext_noop("進んでいるが加速が必要"),
    gettext_noop("進捗が限定的"),
    gettext_noop("悪化"),
)


def rating_label(label: str) -> str:
    """``label`` in the active language: its translation if the catalogue has one, else the
    label as stored."""
    return gettext(label) if label else label


# The same, looked up when shown: a rule cached once serves readers of every language.
rating_label_lazy = lazy(rating_label, str)
