"""Punctuation in the reader's language.

Japanese text takes full-width marks (「（」「）」「、」「：」); English text takes ASCII ones. A
mark that sits *inside* a translated sentence is the translator's (the msgid has 「（」, the
English msgstr "("). These helpers are for the marks code puts *between* pieces it joins:
a list of names, a word in parentheses after a figure, a label before its value. Written once
here, so no English page carries a full-width mark from a join.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English."""
    return (get_language() or "").startswith("en")


def list_separator(japanese: str = "、") -> str:
    """``japanese`` (「、」, or 「・」 between short items) in Japanese, ", " in English."""
    return ", " if in_english() else japanese


def joined(items: Iterable[object], japanese: str = "、") -> str:
    """``items`` as one list: 「高齢期、学齢期」, "Old age, School age"."""
    return list_separator(japanese).join(str(item) for item in items)


def parenthesised(text: object) -> str:
    """``text`` in parentheses, to follow a word: 「（下書き）」, " (Draft)" (with the space
    English puts before a parenthesis)."""
    return f" ({text})" if in_english() else f"（{text}）"


def labelled(label: object, value: object) -> str:
    """A label and its value: 「状態：下書き」, "Status: Draft"."""
    return f"{label}: {value}" if in_english() else f"{label}：{value}"
