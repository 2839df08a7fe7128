"""What a person reads on a page: the text between the tags and the words of the attributes a
screen reader or a tooltip reads out, without scripts, styles and comments."""

from __future__ import annotations

import html
import re

_HIDDEN = re.compile(r"(?is)<(script|style)\b[^>]*>.*?</\1>|<!--.*?-->")
_READ_ATTRIBUTES = re.compile(r'\s(?:title|aria-label|alt|placeholder)="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")

# Japanese letters: kana, kanji, the iteration marks and the long vowel mark.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆〇]")
FULL_WIDTH_MARKS = re.compile(r"[（）：、。「」]")
_ENGLISH_WORD_BEFORE = re.compile(r"[A-Za-z]{2,}\s*$")
_ENGLISH_WORD_AFTER = re.compile(r"^\s*[A-Za-z]{2,}")


def visible_lines(page: str) -> list[str]:
    """The page's readable text, a line per run of text between tags (attributes' words
    included), stripped, without empty lines."""
    page = _HIDDEN.sub(" ", page)
    attributes = _READ_ATTRIBUTES.findall(page)
    runs = _TAG.sub("\n", page).splitlines() + attributes
    return [text for run in runs if (text := " ".join(html.unescape(run).split()))]


def misplaced_full_width_marks(page: str) -> list[str]:
    """The lines of an English page where a full-width mark is English punctuation: a line
    with no Japanese in it, or a mark that touches an English word. Japanese data (the plan's
    text, names) keeps its own marks."""
    found = []
    for line in visible_lines(page):
        for mark in FULL_WIDTH_MARKS.finditer(line):
            before, after = line[: mark.start()], line[mark.end() :]
            if (
                not JAPANESE.search(line)
                or _ENGLISH_WORD_BEFORE.search(before)
                or _ENGLISH_WORD_AFTER.search(after)
            ):
                found.append(line)
                break
    return found
