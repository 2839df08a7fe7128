"""The portal's part of a plan folder (docs/plan-data.md): the やさしい日本語 text.

The optional file plan.yaml names under ``yasashii`` holds the plan's text in easy Japanese
for the /yasashii/ pages: an introduction, each pillar's plain title and sentences, each
indicator's plain name and each ward's. Reading touches no database and raises
``PlanDataError`` naming the file and the place; writing (``easy_japanese_sync_from_plan``)
is one step of ``portal.plan_loading.plan_load``. The pages read the text from the database
(``portal.models.EasyJapanese``), never from the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from infrastructure.plan_folder import Node, PlanFolder
from infrastructure.text import validate_text

from .models import EasyJapanese

if TYPE_CHECKING:
    from infrastructure.sync import Synchroniser

# The keys of plan.yaml this part reads.
INDEX_KEYS = frozenset({"yasashii"})
MAX_TEXT = 1_000  # one sentence, title or name

# The only markup the text may hold: a reading over its kanji.
RUBY = re.compile(r"<ruby>([^<>]+?)<rt>([^<>]*?)</rt></ruby>")
KANJI = re.compile(r"[一-龯々]")
READING = re.compile(r"[ぁ-んー]+")


@dataclass(frozen=True)
class PlainPillarData:
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class EasyJapaneseData:
    """The folder's やさしい日本語 file, read and checked (``file`` "" if it names none)."""

    file: str = ""
    intro: tuple[str, ...] = ()
    pillars: dict[int, PlainPillarData] | None = None
    indicators: dict[str, str] | None = None
    wards: dict[str, str] | None = None
    # What the folder holds, so that a load replaces only its own pillars' and indicators'
    # text (a plan's chapters may come in several folders).
    pillar_numbers: frozenset[int] = frozenset()
    indicator_codes: frozenset[str] = frozenset()


# --- Reading -------------------------------------------------------------------------------


def easy_japanese_read_from_plan(
    folder: PlanFolder,
    *,
    pillar_numbers: set[int],
    indicator_codes: set[str],
    ward_codes: set[str],
) -> EasyJapaneseData:
    """The file ``plan.yaml`` names under ``yasashii``, if any. Its pillars, indicators and
    wards may be only those of the folder (``pillar_numbers``, ``indicator_codes``) and of
    the municipality (``ward_codes``)."""
    if not (name := folder.index.text("yasashii", required=False)):
        return EasyJapaneseData()
    root = folder.file(name)
    root.check_keys({"intro", "pillars", "indicators", "wards"})
    intro = tuple(_text(root, f"intro[{i}]", s) for i, s in enumerate(_list(root, "intro")))

    pillars: dict[int, PlainPillarData] = {}
    for number, item in _mapping(root, "pillars").items():
        if number not in pillar_numbers:
            raise root.error(f"pillars.{number}", f"no pillar {number!r} in this folder")
        node = Node(item, root.file, f"pillars.{number}")
        node.check_keys({"title", "sentences"})
        pillars[number] = PlainPillarData(
            title=_text(node, "title", node.data.get("title")),
            sentences=tuple(
                _text(node, f"sentences[{i}]", s) for i, s in enumerate(_list(node, "sentences"))
            ),
        )
    indicators = _names(root, "indicators", indicator_codes, "indicator")
    wards = _names(root, "wards", ward_codes, "ward")
    return EasyJapaneseData(
        file=name,
        intro=intro,
        pillars=pillars,
        indicators=indicators,
        wards=wards,
        pillar_numbers=frozenset(pillar_numbers),
        indicator_codes=frozenset(indicator_codes),
    )


def _list(node: Node, key: str) -> list:
    items = node.data.get(key) or []
    if not isinstance(items, list):
        raise node.error(key, "expected a list")
    return items


def _mapping(node: Node, key: str) -> dict:
    items = node.data.get(key) or {}
    if not isinstance(items, dict):
        raise node.error(key, "expected a mapping")
    return items


def _names(node: Node, key: str, known: set[str], what: str) -> dict[str, str]:
    names = {}
    for code, text in _mapping(node, key).items():
        if code not in known:
            raise node.error(
                f"{key}.{code}", f"no {what} {code!r} (known: {', '.join(sorted(known))})"
            )
        names[code] = _text(node, f"{key}.{code}", text)
    return names


def _text(node: Node, place: str, value: object) -> str:
    """A sentence, title or name: text, within the text rule and the limit, with no markup
    but readings, and a reading on every kanji."""
    if not isinstance(value, str) or not value.strip():
        raise node.error(place, f"expected text, got {value!r}")
    value = value.strip()
    try:
        validate_text(value)
    except ValidationError as error:
        raise node.error(place, " ".join(error.messages)) from error
    if len(value) > MAX_TEXT:
        raise node.error(place, f"longer than {MAX_TEXT} characters")
    for base, reading in RUBY.findall(value):
        if not READING.fullmatch(reading):
            raise node.error(place, f"the reading of {base!r} is not in hiragana: {reading!r}")
    bare = RUBY.sub("", value)
    if "<" in bare or ">" in bare:
        raise node.error(place, "the only markup allowed is <ruby>漢字<rt>かんじ</rt></ruby>")
    if found := KANJI.search(bare):
        raise node.error(place, f"{found.group()!r} has no reading (<ruby>…<rt>…</rt></ruby>)")
    return value


# --- Writing -------------------------------------------------------------------------------


def easy_japanese_sync_from_plan(*, sync: Synchroniser, data: EasyJapaneseData, plan) -> None:
    """Make the plan's やさしい日本語 text hold the folder's. A folder that names no file
    leaves the text alone (as it leaves the directory alone without a community file); one
    that does replaces the introduction, the wards' names, and the text of its own pillars
    and indicators, keeping that of pillars and indicators other folders of the plan hold."""
    if not data.file:
        return
    existing = EasyJapanese.objects.filter(plan=plan).first()
    pillars = {
        key: value
        for key, value in (existing.pillars if existing else {}).items()
        if int(key) not in data.pillar_numbers
    }
    pillars |= {
        str(number): {"title": item.title, "sentences": list(item.sentences)}
        for number, item in sorted((data.pillars or {}).items())
    }
    indicators = {
        code: name
        for code, name in (existing.indicators if existing else {}).items()
        if code not in data.indicator_codes
    } | dict(data.indicators or {})
    sync.upsert(
        EasyJapanese,
        {"plan": plan},
        {
            "intro": list(data.intro),
            "pillars": dict(sorted(pillars.items(), key=lambda item: int(item[0]))),
            "indicators": indicators,
            "wards": dict(data.wards or {}),
        },
    )
