"""Reading the plan's YAML files (docs/plan-data.md) into checked, typed data.

Nothing here touches the database: ``read_plan_data`` either returns a complete
:class:`PlanDocument` or raises :class:`PlanDataError` naming the file, the place in it and
what is wrong, so that a person correcting the files knows where to look.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from community.models import validate_municipality_code
from indicators.choices import Derivation, Direction, Unit, ValueKind
from infrastructure.fiscal_year import (
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    FiscalYearError,
    parse_fiscal_year,
)
from programs.choices import FigureKind, Theme


class PlanDataError(ValueError):
    """The plan data files are not as docs/plan-data.md describes."""


@dataclass(frozen=True)
class ValueData:
    kind: str
    fiscal_year: int
    value: Decimal
    as_of: str
    note: str


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name: str
    unit: str
    direction: str
    source: str
    notes: tuple[str, ...]
    values: tuple[ValueData, ...]
    derivation: str = ""


@dataclass(frozen=True)
class ChallengeData:
    text: str
    heading: str


@dataclass(frozen=True)
class ActionData:
    text: str
    group: str


@dataclass(frozen=True)
class InitiativeData:
    number: int
    title: str
    lead: str
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class FigureData:
    kind: str
    number: int | None
    title: str
    text: str


@dataclass(frozen=True)
class SectionData:
    number: int
    title: str
    challenges: tuple[ChallengeData, ...]
    initiatives: tuple[InitiativeData, ...]
    actions: tuple[ActionData, ...]
    figures: tuple[FigureData, ...]
    indicators: tuple[IndicatorData, ...]


@dataclass(frozen=True)
class PillarData:
    number: int
    theme: str
    title: str
    overview: str
    challenges: tuple[ChallengeData, ...]
    initiatives: tuple[InitiativeData, ...]
    figures: tuple[FigureData, ...]
    indicators: tuple[IndicatorData, ...]
    sections: tuple[SectionData, ...]


@dataclass(frozen=True)
class OrganisationTypeData:
    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class ResourceData:
    """An organisation the plan names, for the directory (community.yaml)."""

    code: str
    name: str
    type: str
    ward: str
    consultation: bool
    pillars: tuple[int, ...]
    life_stages: tuple[str, ...]
    life_stages_inferred: bool
    source: str
    description: str
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class VolunteerProgramData:
    code: str
    name: str
    pillar: int | None
    health_volunteer: bool


@dataclass(frozen=True)
class WardData:
    code: str
    municipality_code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class MunicipalityData:
    """The municipality the plan is of (municipality.yaml), with its wards."""

    code: str
    name: str
    name_en: str
    prefecture: str
    wards: tuple[WardData, ...]


@dataclass(frozen=True)
class PriorityAreaData:
    """A chapter of the plan (重点的取組) and its pillars."""

    number: int
    title: str
    pillars: tuple[PillarData, ...]


@dataclass(frozen=True)
class PlanDocument:
    code: str
    title: str
    period_start: int | None
    period_end: int | None
    municipality: MunicipalityData
    priority_areas: tuple[PriorityAreaData, ...]
    organisation_types: tuple[OrganisationTypeData, ...]
    title_en: str = ""
    community_file: str = ""
    resources: tuple[ResourceData, ...] = ()
    volunteer_programs: tuple[VolunteerProgramData, ...] = ()

    @property
    def pillars(self) -> tuple[PillarData, ...]:
        """Every pillar of the document's chapters, in order."""
        return tuple(pillar for area in self.priority_areas for pillar in area.pillars)

    def indicator_places(self) -> list[tuple[int, int | None, IndicatorData]]:
        """Every indicator in the plan's order, with its pillar and section number (None
        for an indicator of the whole pillar)."""
        places: list[tuple[int, int | None, IndicatorData]] = []
        for pillar in self.pillars:
            places += [(pillar.number, None, indicator) for indicator in pillar.indicators]
            for section in pillar.sections:
                places += [(pillar.number, section.number, i) for i in section.indicators]
        return places


# The choices the models accept, so a data file can hold nothing the database would refuse.
_THEMES = set(Theme.values)
_FIGURE_KINDS = set(FigureKind.values)
_VALUE_KINDS = set(ValueKind.values)
_DIRECTIONS = set(Direction.values)
_UNITS = set(Unit.values)
_DERIVATIONS = set(Derivation.values)
# The life stages the migration creates (community 0006); a plan file may name only these.
LIFE_STAGE_CODES = {"early-childhood", "school-age", "youth-adult", "old-age"}


class _Node:
    """A mapping from the YAML with its location, for precise error messages."""

    def __init__(self, data: Any, file: str, path: str):
        if not isinstance(data, dict):
            raise PlanDataError(f"{file}: {path or 'top level'}: expected a mapping")
        self.data, self.file, self.path = data, file, path

    def error(self, key: str, message: str) -> PlanDataError:
        return PlanDataError(f"{self.file}: {self.path}.{key}: {message}".replace(": .", ": "))

    def check_keys(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise self.error(unknown[0], f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.error(key, "is required")
            return ""
        if not isinstance(value, str):
            raise self.error(key, f"expected text, got {value!r}")
        return value.strip()

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.error(key, f"expected a whole number, got {value!r}")
        return value

    def choice(self, key: str, choices: set[str]) -> str:
        value = self.text(key)
        if value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(sorted(choices))}")
        return value

    def children(self, key: str) -> list[_Node]:
        items = self.data.get(key) or []
        if not isinstance(items, list):
            raise self.error(key, "expected a list")
        return [_Node(item, self.file, f"{self.path}.{key}[{i}]") for i, item in enumerate(items)]

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value

    def numbers(self, key: str) -> tuple[int, ...]:
        items = self.data.get(key) or []
        if not isinstance(items, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in items
        ):
            raise self.error(key, "expected a list of whole numbers")
        return tuple(items)

    def strings(self, key: str) -> tuple[str, ...]:
        items = self.data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.error(key, "expected a list of texts")
        return tuple(i.strip() for i in items)


def _check_numbering(nodes: list[_Node], numbers: list[int], what: str) -> None:
    if numbers != list(range(1, len(numbers) + 1)):
        raise PlanDataError(
            f"{nodes[0].file}: {what} are numbered {numbers}; expected 1, 2, 3 … in order"
        )


def _value(node: _Node) -> ValueData:
    node.check_keys({"kind", "fiscal_year", "value", "as_of", "note"})
    raw_year = node.data.get("fiscal_year")
    try:
        fiscal_year = parse_fiscal_year(raw_year)
    except FiscalYearError as error:
        raise node.error("fiscal_year", str(error)) from error
    raw_value = node.data.get("value")
    if not isinstance(raw_value, str):
        raise node.error("value", f"write the number as a quoted decimal string, got {raw_value!r}")
    try:
        value = Decimal(raw_value)
    except InvalidOperation as error:
        raise node.error("value", f"{raw_value!r} is not a decimal number") from error
    if not value.is_finite():
        raise node.error("value", f"{raw_value!r} is not a finite number")
    return ValueData(
        kind=node.choice("kind", _VALUE_KINDS),
        fiscal_year=fiscal_year,
        value=value,
        as_of=node.text("as_of", required=False),
        note=node.text("note", required=False),
    )


def _indicator(node: _Node) -> IndicatorData:
    node.check_keys(
        {"code", "name", "unit", "direction", "source", "notes", "values", "derivation"}
    )
    values = tuple(_value(child) for child in node.children("values"))
    keys = [(v.kind, v.fiscal_year) for v in values]
    if len(set(keys)) != len(keys):
        raise node.error("values", "the same kind and fiscal year is given twice")
    return IndicatorData(
        code=node.text("code"),
        name=node.text("name"),
        unit=node.choice("unit", _UNITS),
        direction=node.choice("direction", _DIRECTIONS),
        source=node.text("source", required=False),
        notes=node.strings("notes"),
        values=values,
        derivation=node.choice("derivation", _DERIVATIONS) if node.data.get("derivation") else "",
    )


def _challenge(node: _Node) -> ChallengeData:
    node.check_keys({"text", "heading"})
    return ChallengeData(text=node.text("text"), heading=node.text("heading", required=False))


def _action(node: _Node) -> ActionData:
    node.check_keys({"text", "group"})
    return ActionData(text=node.text("text"), group=node.text("group", required=False))


def _initiative(node: _Node) -> InitiativeData:
    node.check_keys({"number", "title", "lead", "actions"})
    return InitiativeData(
        number=node.integer("number"),
        title=node.text("title"),
        lead=node.text("lead", required=False),
        actions=tuple(_action(child) for child in node.children("actions")),
    )


def _initiatives(node: _Node) -> tuple[InitiativeData, ...]:
    children = node.children("initiatives")
    initiatives = tuple(_initiative(child) for child in children)
    if initiatives:
        _check_numbering(children, [i.number for i in initiatives], f"{node.path} initiatives")
    return initiatives


def _figure(node: _Node) -> FigureData:
    node.check_keys({"kind", "number", "title", "text"})
    return FigureData(
        kind=node.choice("kind", _FIGURE_KINDS),
        number=node.integer("number", required=False),
        title=node.text("title"),
        text=node.text("text", required=False),
    )


def _section(node: _Node) -> SectionData:
    node.check_keys(
        {"number", "title", "challenges", "initiatives", "actions", "figures", "indicators"}
    )
    section = SectionData(
        number=node.integer("number"),
        title=node.text("title"),
        challenges=tuple(_challenge(child) for child in node.children("challenges")),
        initiatives=_initiatives(node),
        actions=tuple(_action(child) for child in node.children("actions")),
        figures=tuple(_figure(child) for child in node.children("figures")),
        indicators=tuple(_indicator(child) for child in node.children("indicators")),
    )
    if section.initiatives and section.actions:
        raise node.error("actions", "a section lists actions either in initiatives or directly")
    return section


def _pillar(node: _Node) -> PillarData:
    node.check_keys(
        {
            "number",
            "theme",
            "title",
            "overview",
            "challenges",
            "initiatives",
            "figures",
            "indicators",
            "sections",
        }
    )
    sections_nodes = node.children("sections")
    sections = tuple(_section(child) for child in sections_nodes)
    if sections:
        _check_numbering(sections_nodes, [s.number for s in sections], "sections")
    return PillarData(
        number=node.integer("number"),
        theme=node.choice("theme", _THEMES),
        title=node.text("title"),
        overview=node.text("overview", required=False),
        challenges=tuple(_challenge(child) for child in node.children("challenges")),
        initiatives=_initiatives(node),
        figures=tuple(_figure(child) for child in node.children("figures")),
        indicators=tuple(_indicator(child) for child in node.children("indicators")),
        sections=sections,
    )


def _resource(
    node: _Node, type_codes: set[str], pillar_numbers: set[int], ward_codes: set[str]
) -> ResourceData:
    node.check_keys(
        {
            "code",
            "name",
            "type",
            "ward",
            "consultation",
            "pillars",
            "life_stages",
            "life_stages_inferred",
            "source",
            "description",
            "phone",
            "hours",
        }
    )
    pillars = node.numbers("pillars")
    if unknown := set(pillars) - pillar_numbers:
        raise node.error("pillars", f"no pillar {sorted(unknown)[0]}")
    life_stages = node.strings("life_stages")
    if unknown := set(life_stages) - LIFE_STAGE_CODES:
        raise node.error("life_stages", f"{sorted(unknown)[0]!r} is not one of {LIFE_STAGE_CODES}")
    ward = node.text("ward", required=False)
    if ward and ward not in ward_codes:
        raise node.error("ward", f"{ward!r} is not one of {', '.join(sorted(ward_codes))}")
    return ResourceData(
        code=node.text("code"),
        name=node.text("name"),
        type=node.choice("type", type_codes),
        ward=ward,
        consultation=node.flag("consultation"),
        pillars=pillars,
        life_stages=life_stages,
        life_stages_inferred=node.flag("life_stages_inferred"),
        source=node.text("source", required=False),
        description=node.text("description", required=False),
        phone=node.text("phone", required=False),
        hours=node.text("hours", required=False),
    )


def _volunteer_program(node: _Node, pillar_numbers: set[int]) -> VolunteerProgramData:
    node.check_keys({"code", "name", "pillar", "health_volunteer"})
    pillar = node.integer("pillar", required=False)
    if pillar is not None and pillar not in pillar_numbers:
        raise node.error("pillar", f"no pillar {pillar}")
    return VolunteerProgramData(
        code=node.text("code"),
        name=node.text("name"),
        pillar=pillar,
        health_volunteer=node.flag("health_volunteer"),
    )


def _community(
    node: _Node, type_codes: set[str], pillars: tuple[PillarData, ...], ward_codes: set[str]
):
    node.check_keys({"resources", "volunteer_programs"})
    numbers = {p.number for p in pillars}
    resources = tuple(
        _resource(child, type_codes, numbers, ward_codes) for child in node.children("resources")
    )
    programs = tuple(
        _volunteer_program(child, numbers) for child in node.children("volunteer_programs")
    )
    for what, codes in (
        ("resources", [r.code for r in resources]),
        ("volunteer_programs", [p.code for p in programs]),
    ):
        if duplicates := sorted({c for c in codes if codes.count(c) > 1}):
            raise node.error(what, f"codes used twice: {', '.join(duplicates)}")
    return resources, programs


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except FileNotFoundError as error:
        raise PlanDataError(f"{path}: file not found") from error
    except yaml.YAMLError as error:
        raise PlanDataError(f"{path}: not valid YAML: {error}") from error


def _municipality_code(node: _Node, key: str) -> str:
    value = node.data.get(key)
    if not isinstance(value, str):
        raise node.error(key, f"write the code as a quoted 6-digit string, got {value!r}")
    try:
        validate_municipality_code(value)
    except ValidationError as error:
        raise node.error(key, f"{value!r}: {' '.join(error.messages)}") from error
    return value


def _municipality(node: _Node) -> MunicipalityData:
    node.check_keys({"code", "name", "name_en", "prefecture", "wards"})
    wards = []
    for child in node.children("wards"):
        child.check_keys({"code", "municipality_code", "name", "name_en"})
        wards.append(
            WardData(
                code=child.text("code"),
                municipality_code=_municipality_code(child, "municipality_code"),
                name=child.text("name"),
                name_en=child.text("name_en"),
            )
        )
    code = _municipality_code(node, "code")
    for what, values in (
        ("code", [w.code for w in wards]),
        ("name", [w.name for w in wards]),
        ("municipality_code", [code] + [w.municipality_code for w in wards]),
    ):
        if duplicates := sorted({v for v in values if values.count(v) > 1}):
            raise node.error("wards", f"{what} used twice: {', '.join(duplicates)}")
    return MunicipalityData(
        code=code,
        name=node.text("name"),
        name_en=node.text("name_en"),
        prefecture=node.text("prefecture"),
        wards=tuple(wards),
    )


def _priority_area(node: _Node, directory: Path) -> PriorityAreaData:
    node.check_keys({"number", "title", "pillars"})
    files = node.strings("pillars")
    pillars = tuple(_pillar(_Node(_load_yaml(directory / name), name, "")) for name in files)
    numbers = [p.number for p in pillars]
    # A later chapter may go on from the pillar numbers of an earlier one (pillar numbers
    # are unique within the plan), so the numbers need only run on one by one.
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise node.error("pillars", f"pillars are numbered {numbers}; expected 1, 2, 3 … in order")
    return PriorityAreaData(
        number=node.integer("number"), title=node.text("title"), pillars=pillars
    )


def read_plan_data(directory: Path) -> PlanDocument:
    """Read ``plan.yaml`` and the files it names (municipality, pillars, community) from
    ``directory``."""
    directory = Path(directory)
    root = _Node(_load_yaml(directory / "plan.yaml"), "plan.yaml", "")
    root.check_keys({"municipality", "plan", "priority_areas", "organisation_types", "community"})
    plan = _Node(root.data.get("plan"), "plan.yaml", "plan")
    plan.check_keys({"code", "title", "title_en", "period_start", "period_end"})
    municipality_file = root.text("municipality")
    municipality = _municipality(
        _Node(_load_yaml(directory / municipality_file), municipality_file, "")
    )

    areas = tuple(_priority_area(child, directory) for child in root.children("priority_areas"))
    if not areas:
        raise root.error("priority_areas", "a plan folder holds at least one chapter")
    for what, numbers in (
        ("chapters", [a.number for a in areas]),
        ("pillars", [p.number for a in areas for p in a.pillars]),
    ):
        if duplicates := sorted({n for n in numbers if numbers.count(n) > 1}):
            raise root.error("priority_areas", f"{what} numbered twice: {duplicates}")
    pillars = tuple(p for a in areas for p in a.pillars)

    types = []
    for child in root.children("organisation_types"):
        child.check_keys({"code", "name", "name_en"})
        types.append(
            OrganisationTypeData(
                code=child.text("code"),
                name=child.text("name"),
                name_en=child.text("name_en", required=False),
            )
        )

    resources: tuple[ResourceData, ...] = ()
    programs: tuple[VolunteerProgramData, ...] = ()
    if community_file := root.text("community", required=False):
        community = _Node(_load_yaml(directory / community_file), community_file, "")
        resources, programs = _community(
            community, {t.code for t in types}, pillars, {w.code for w in municipality.wards}
        )

    period_start = plan.integer("period_start", required=False)
    period_end = plan.integer("period_end", required=False)
    for key, year in (("period_start", period_start), ("period_end", period_end)):
        if year is not None and not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
            raise plan.error(key, f"{year} is not a fiscal year (Western, e.g. 2015)")
    if period_start is not None and period_end is not None and period_end < period_start:
        raise plan.error("period_end", "the period ends before it starts")

    document = PlanDocument(
        code=plan.text("code"),
        title=plan.text("title"),
        title_en=plan.text("title_en", required=False),
        period_start=period_start,
        period_end=period_end,
        municipality=municipality,
        priority_areas=areas,
        organisation_types=tuple(types),
        community_file=community_file,
        resources=resources,
        volunteer_programs=programs,
    )
    codes = [indicator.code for _, _, indicator in document.indicator_places()]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise PlanDataError(f"indicator codes used twice: {', '.join(duplicates)}")
    return document
