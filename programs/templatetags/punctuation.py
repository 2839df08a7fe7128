"""Template filters for the marks between pieces of text, in the reader's language
(``infrastructure.punctuation``): ``{{ stages|joined }}``, ``{{ status|parenthesised }}``,
``{% parenthesised_list a b c %}``."""

from django import template

from infrastructure import punctuation

register = template.Library()


@register.filter
def joined(items) -> str:
    """A list in one line: 「高齢期、学齢期」, "Old age, School age"."""
    return punctuation.joined(items)


@register.filter
def parenthesised(text) -> str:
    """「（下書き）」 after a word, " (Draft)" in English."""
    return punctuation.parenthesised(text)


@register.simple_tag
def parenthesised_list(*parts) -> str:
    """The parts that are not empty, in one pair of parentheses: 「（現状と課題 8件・取組施策
    1件）」, " (8 statements…, 1 initiative)"; nothing if every part is empty."""
    items = [part for part in parts if part]
    return punctuation.parenthesised(punctuation.joined(items, "・")) if items else ""
