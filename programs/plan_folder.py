"""The plan's part of a plan folder (docs/plan-data.md): read, checked, and written.

``plan.yaml``'s plan (code, title, period) and chapters (重点的取組), and the pillar files they
name with all their content: sections, challenges, initiatives, actions, figures. Reading
touches no database and raises ``PlanDataError`` naming the file and the place; writing
(``plan_sync_from_plan``) makes the database match, changing only what differs, and is one
step of ``portal.plan_loading.plan_load`` (``load_plan``), the one way plan content enters the
database.

The indicators in the pillar files are the indicators app's to read
(``indicators.plan_folder``): here they are only placed, kept as the file's nodes, in the
pillar or section they stand in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from community.plan_folder import claim_unowned
from infrastructure.fiscal_year import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from infrastructure.plan_folder import Node, PlanFolder, check_numbering
from infrastructure.sync import PlanConflictError

from .choices import FigureKind
from .models import (
    Action,
    Challenge,
    Figure,
    Initiative,
    Pillar,
    PillarContent,
    Plan,
    PriorityArea,
    Section,
    Theme,
    initiative_code,
)

if TYPE_CHECKING:
    from infrastructure.sync import Synchroniser

# The keys of plan.yaml this part reads.
INDEX_KEYS = frozenset({"plan", "priority_areas", "themes"})
# The choices the models accept, so a data file can hold nothing the database would refuse.
_FIGURE_KINDS = set(FigureKind.values)


@dataclass(frozen=True)
class ThemeData:
    """A field of welfare the plan's pillars belong to (plan.yaml's ``themes``)."""

    code: str
    name: str
    name_en: str


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
    indicators: tuple[Node, ...]  # unread: ``indicators.plan_folder`` reads them


@dataclass(frozen=True)
class PillarData:
    number: int
    theme: str
    title: str
    overview: str
    challenges: tuple[ChallengeData, ...]
    initiatives: tuple[InitiativeData, ...]
    figures: tuple[FigureData, ...]
    indicators: tuple[Node, ...]  # unread: ``indicators.plan_folder`` reads them
    sections: tuple[SectionData, ...]


@dataclass(frozen=True)
class PriorityAreaData:
    """A chapter of the plan (重点的取組) and its pillars."""

    number: int
    title: str
    pillars: tuple[PillarData, ...]


@dataclass(frozen=True)
class PlanData:
    code: str
    title: str
    period_start: int | None
    period_end: int | None
    priority_areas: tuple[PriorityAreaData, ...]
    title_en: str = ""
    themes: tuple[ThemeData, ...] = ()

    @property
    def pillars(self) -> tuple[PillarData, ...]:
        """Every pillar of the plan's chapters, in order."""
        return tuple(pillar for area in self.priority_areas for pillar in area.pillars)

    def indicator_places(self) -> list[tuple[int, int | None, Node]]:
        """Every indicator's node in the plan's order, with its pillar and section number
        (None for an indicator of the whole pillar)."""
        places: list[tuple[int, int | None, Node]] = []
        for pillar in self.pillars:
            places += [(pillar.number, None, indicator) for indicator in pillar.indicators]
            for section in pillar.sections:
                places += [(pillar.number, section.number, i) for i in section.indicators]
        return places


# --- Reading -------------------------------------------------------------------------------


def plan_read_from_plan(folder: PlanFolder) -> PlanData:
    """The plan of ``plan.yaml`` and its chapters, with the pillar files they name."""
    root = folder.index
    plan = Node(root.data.get("plan"), root.file, "plan")
    plan.check_keys({"code", "title", "title_en", "period_start", "period_end"})

    themes = _themes(root)
    theme_codes = {theme.code for theme in themes}
    areas = tuple(
        _priority_area(child, folder, theme_codes) for child in root.children("priority_areas")
    )
    if not areas:
        raise root.error("priority_areas", "a plan folder holds at least one chapter")
    for what, numbers in (
        ("chapters", [a.number for a in areas]),
        ("pillars", [p.number for a in areas for p in a.pillars]),
    ):
        if duplicates := sorted({n for n in numbers if numbers.count(n) > 1}):
            raise root.error("priority_areas", f"{what} numbered twice: {duplicates}")

    period_start = plan.integer("period_start", required=False)
    period_end = plan.integer("period_end", required=False)
    for key, year in (("period_start", period_start), ("period_end", period_end)):
        if year is not None and not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
            raise plan.error(key, f"{year} is not a fiscal year (Western, e.g. 2015)")
    if period_start is not None and period_end is not None and period_end < period_start:
        raise plan.error("period_end", "the period ends before it starts")

    return PlanData(
        code=plan.text("code"),
        title=plan.text("title"),
        title_en=plan.text("title_en", required=False),
        period_start=period_start,
        period_end=period_end,
        priority_areas=areas,
        themes=themes,
    )


def _themes(root: Node) -> tuple[ThemeData, ...]:
    """The themes plan.yaml declares: each pillar names one of them."""
    themes = []
    for child in root.children("themes"):
        child.check_keys({"code", "name", "name_en"})
        code = child.text("code")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,19}", code):
            raise child.error("code", f"{code!r}: lower-case letters, digits and -, at most 20")
        themes.append(
            ThemeData(
                code=code, name=child.text("name"), name_en=child.text("name_en", required=False)
            )
        )
    codes = [theme.code for theme in themes]
    if duplicates := sorted({c for c in codes if codes.count(c) > 1}):
        raise root.error("themes", f"codes used twice: {', '.join(duplicates)}")
    return tuple(themes)


def _challenge(node: Node) -> ChallengeData:
    node.check_keys({"text", "heading"})
    return ChallengeData(text=node.text("text"), heading=node.text("heading", required=False))


def _action(node: Node) -> ActionData:
    node.check_keys({"text", "group"})
    return ActionData(text=node.text("text"), group=node.text("group", required=False))


def _initiative(node: Node) -> InitiativeData:
    node.check_keys({"number", "title", "lead", "actions"})
    return InitiativeData(
        number=node.integer("number"),
        title=node.text("title"),
        lead=node.text("lead", required=False),
        actions=tuple(_action(child) for child in node.children("actions")),
    )


def _initiatives(node: Node) -> tuple[InitiativeData, ...]:
    children = node.children("initiatives")
    initiatives = tuple(_initiative(child) for child in children)
    if initiatives:
        check_numbering(children, [i.number for i in initiatives], f"{node.path} initiatives")
    return initiatives


def _figure(node: Node) -> FigureData:
    node.check_keys({"kind", "number", "title", "text"})
    return FigureData(
        kind=node.choice("kind", _FIGURE_KINDS),
        number=node.integer("number", required=False),
        title=node.text("title"),
        text=node.text("text", required=False),
    )


def _section(node: Node) -> SectionData:
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
        indicators=tuple(node.children("indicators")),
    )
    if section.initiatives and section.actions:
        raise node.error("actions", "a section lists actions either in initiatives or directly")
    return section


def _pillar(node: Node, theme_codes: set[str]) -> PillarData:
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
        check_numbering(sections_nodes, [s.number for s in sections], "sections")
    return PillarData(
        number=node.integer("number"),
        theme=_theme(node, theme_codes),
        title=node.text("title"),
        overview=node.text("overview", required=False),
        challenges=tuple(_challenge(child) for child in node.children("challenges")),
        initiatives=_initiatives(node),
        figures=tuple(_figure(child) for child in node.children("figures")),
        indicators=tuple(node.children("indicators")),
        sections=sections,
    )


def _theme(node: Node, theme_codes: set[str]) -> str:
    theme = node.text("theme")
    if theme not in theme_codes:
        declared = ", ".join(sorted(theme_codes)) or "none"
        raise node.error("theme", f"{theme!r} is not one of plan.yaml's themes ({declared})")
    return theme


def _priority_area(node: Node, folder: PlanFolder, theme_codes: set[str]) -> PriorityAreaData:
    node.check_keys({"number", "title", "pillars"})
    pillars = tuple(_pillar(folder.file(name), theme_codes) for name in node.strings("pillars"))
    numbers = [p.number for p in pillars]
    # A later chapter may go on from the pillar numbers of an earlier one (pillar numbers
    # are unique within the plan), so the numbers need only run on one by one.
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise node.error("pillars", f"pillars are numbered {numbers}; expected 1, 2, 3 … in order")
    return PriorityAreaData(
        number=node.integer("number"), title=node.text("title"), pillars=pillars
    )


# --- Writing -------------------------------------------------------------------------------


def plan_sync_from_plan(*, sync: Synchroniser, data: PlanData, municipality) -> Plan:
    """Make the plan of ``data`` (title, period) and the chapters it holds, with all their
    content, match the data; return the plan. Other plans, and chapters of this plan the
    data does not hold, are never touched: a second chapter or the next plan period loads
    beside the first. Part of ``portal.plan_loading.plan_load``."""
    # Themes are shared by every municipality (docs/architecture.md, "Many municipalities"):
    # only upserted, never pruned (another plan's pillars may name them), and one another
    # municipality's pillars use is kept as it is.
    for theme in data.themes:
        names = {"name": theme.name, "name_en": theme.name_en}
        if (
            Pillar.objects.filter(theme__code=theme.code, plan__municipality__isnull=False)
            .exclude(plan__municipality=municipality)
            .exists()
        ):
            names = {}
        sync.upsert(Theme, {"code": theme.code}, names)
    claim_unowned(Plan, municipality, code=data.code)
    plan = sync.upsert(
        Plan,
        {"municipality": municipality, "code": data.code},
        {
            "title": data.title,
            "title_en": data.title_en,
            "period_start": data.period_start,
            "period_end": data.period_end,
        },
    )
    for area_data in data.priority_areas:
        area = sync.upsert(
            PriorityArea,
            {"plan": plan, "number": area_data.number},
            {"title": area_data.title},
        )
        _check_pillars_are_free(plan, data, area_data)
        pillars = [_load_pillar(sync, area, pillar) for pillar in area_data.pillars]
        sync.prune(Pillar.objects.filter(priority_area=area), pillars)
    return plan


def _check_pillars_are_free(plan: Plan, data: PlanData, area: PriorityAreaData) -> None:
    """A pillar number of the chapter must not be taken by a chapter the data does not hold
    (pillar numbers are unique within the plan); moving a pillar between chapters the data
    holds is a correction."""
    held = [a.number for a in data.priority_areas]
    taken = (
        Pillar.objects.filter(plan=plan, number__in=[p.number for p in area.pillars])
        .exclude(priority_area__number__in=held)
        .select_related("priority_area")
    )
    if clash := taken.first():
        raise PlanConflictError(
            _("施策%(number)s は計画「%(plan)s」の%(area)sにすでにあります。")
            % {"number": clash.number, "plan": plan.title, "area": clash.priority_area}
        )


def _load_pillar(sync: Synchroniser, area: PriorityArea, data: PillarData) -> Pillar:
    pillar = sync.upsert(
        Pillar,
        {"plan": area.plan, "number": data.number},
        {
            "priority_area": area,
            "title": data.title,
            "theme": Theme.objects.get(code=data.theme),
            "overview": data.overview,
        },
    )
    _load_content(sync, pillar, None, data.challenges, data.initiatives, (), data.figures)
    sections = []
    for section_data in data.sections:
        section = sync.upsert(
            Section,
            {"pillar": pillar, "number": section_data.number},
            {"title": section_data.title},
        )
        _load_content(
            sync,
            pillar,
            section,
            section_data.challenges,
            section_data.initiatives,
            section_data.actions,
            section_data.figures,
        )
        sections.append(section)
    sync.prune(pillar.sections.all(), sections)
    return pillar


def _load_content(
    sync: Synchroniser,
    pillar: Pillar,
    section: Section | None,
    challenges: tuple[ChallengeData, ...],
    initiatives: tuple[InitiativeData, ...],
    actions: tuple[ActionData, ...],
    figures: tuple[FigureData, ...],
) -> None:
    """Challenges, initiatives, actions and figures of one section, or of the pillar itself
    where ``section`` is None."""
    place = {"pillar": pillar, "section": section}

    def owned(model: type[PillarContent]) -> models.QuerySet:
        return model.objects.filter(**place)

    sync.prune(
        owned(Challenge),
        [
            sync.upsert(
                Challenge,
                {**place, "position": position},
                {"heading": item.heading, "text": item.text},
            )
            for position, item in enumerate(challenges, start=1)
        ],
    )

    kept_initiatives = []
    for item in initiatives:
        initiative = sync.upsert(
            Initiative,
            {**place, "number": item.number},
            {
                "code": initiative_code(pillar.number, section and section.number, item.number),
                "title": item.title,
                "lead": item.lead,
            },
        )
        _load_actions(sync, {"initiative": initiative}, initiative.actions.all(), item.actions)
        kept_initiatives.append(initiative)
    sync.prune(owned(Initiative), kept_initiatives)

    if section is not None:
        _load_actions(sync, {"section": section}, section.actions.all(), actions)

    sync.prune(
        owned(Figure),
        [
            sync.upsert(
                Figure,
                {**place, "position": position},
                {"kind": item.kind, "number": item.number, "title": item.title, "text": item.text},
            )
            for position, item in enumerate(figures, start=1)
        ],
    )


def _load_actions(
    sync: Synchroniser,
    parent: dict[str, Any],
    existing: models.QuerySet,
    actions: tuple[ActionData, ...],
) -> None:
    sync.prune(
        existing,
        [
            sync.upsert(
                Action,
                {**parent, "position": position},
                {"group": item.group, "text": item.text},
            )
            for position, item in enumerate(actions, start=1)
        ],
    )
