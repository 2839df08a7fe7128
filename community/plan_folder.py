"""The community's part of a plan folder (docs/plan-data.md): read, checked, and written.

Two slices: the municipality and its wards (``municipality.yaml``, named by ``plan.yaml``), and
the community the plan names: its organisation types (``plan.yaml``) and the organisations and
volunteer programs of the optional community file (``community.yaml``). Reading touches no
database and raises ``PlanDataError`` naming the file and the place; writing goes through a
``Synchroniser`` and is one step of ``portal.plan_loading.plan_load``. What the community file
refers to in the plan (its pillar numbers) comes in as plain numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

from infrastructure import tenancy
from infrastructure.plan_folder import Node, PlanFolder

from .areas import DEFAULT_WORD, DEFAULT_WORD_EN
from .choices import Origin
from .models import (
    CommunityResource,
    LifeStage,
    Municipality,
    OrganisationType,
    VolunteerProgram,
    Ward,
    pillar_model,
    validate_municipality_code,
)

if TYPE_CHECKING:
    from infrastructure.sync import Synchroniser

# The keys of plan.yaml this part reads.
INDEX_KEYS = frozenset({"municipality", "organisation_types", "community"})
# The life stages the migration creates (community 0006); a plan file may name only these.
LIFE_STAGE_CODES = {"early-childhood", "school-age", "youth-adult", "old-age"}


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
    area_word: str = DEFAULT_WORD
    area_word_en: str = DEFAULT_WORD_EN
    # The population the data states, and its date (both or neither); None: not stated.
    population: int | None = None
    population_as_of: datetime.date | None = None


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
class CommunityData:
    """The organisation types the plan names (plan.yaml) and, if the folder names a community
    file, the organisations and volunteer programs in it."""

    organisation_types: tuple[OrganisationTypeData, ...]
    community_file: str = ""
    resources: tuple[ResourceData, ...] = ()
    volunteer_programs: tuple[VolunteerProgramData, ...] = ()


# --- Reading -------------------------------------------------------------------------------


def municipality_read_from_plan(folder: PlanFolder) -> MunicipalityData:
    """The municipality and its wards, from the file ``plan.yaml`` names."""
    name = folder.index.text("municipality")
    return _municipality(folder.file(name))


def community_read_from_plan(
    folder: PlanFolder, *, ward_codes: set[str], pillar_numbers: set[int]
) -> CommunityData:
    """The organisation types of ``plan.yaml`` and the community file it names, if any.
    ``ward_codes`` are the municipality's wards, ``pillar_numbers`` the plan's pillars: the
    only ones its entries may name."""
    types = []
    for child in folder.index.children("organisation_types"):
        child.check_keys({"code", "name", "name_en"})
        types.append(
            OrganisationTypeData(
                code=child.text("code"),
                name=child.text("name"),
                name_en=child.text("name_en", required=False),
            )
        )
    if not (community_file := folder.index.text("community", required=False)):
        return CommunityData(organisation_types=tuple(types))
    resources, programs = _community(
        folder.file(community_file), {t.code for t in types}, pillar_numbers, ward_codes
    )
    return CommunityData(
        organisation_types=tuple(types),
        community_file=community_file,
        resources=resources,
        volunteer_programs=programs,
    )


def _municipality_code(node: Node, key: str) -> str:
    value = node.data.get(key)
    if not isinstance(value, str):
        raise node.error(key, f"write the code as a quoted 6-digit string, got {value!r}")
    try:
        validate_municipality_code(value)
    except ValidationError as error:
        raise node.error(key, f"{value!r}: {' '.join(error.messages)}") from error
    return value


def _municipality(node: Node) -> MunicipalityData:
    """The municipality and the areas it reports by: ``wards`` (a designated city's, each
    with its own 全国地方公共団体コード) or ``areas`` (any other city's: 地区, 支所 …, the
    code optional) under the city's own word (``area_word``, ``area_word_en``); neither, for
    a city that reports city-wide only."""
    node.check_keys(
        {
            "code",
            "name",
            "name_en",
            "prefecture",
            "wards",
            "areas",
            "area_word",
            "area_word_en",
            "population",
            "population_as_of",
        }
    )
    if "wards" in node.data and "areas" in node.data:
        raise node.error("areas", "write the areas under either `wards` or `areas`, not both")
    key = "areas" if "areas" in node.data else "wards"
    if key == "areas" and node.data["areas"] and "area_word" not in node.data:
        raise node.error("area_word", "name the areas with `area_word` (地区, 支所 …)")
    wards = []
    for child in node.children(key):
        child.check_keys({"code", "municipality_code", "name", "name_en"})
        own_code = (
            _municipality_code(child, "municipality_code")
            if key == "wards" or "municipality_code" in child.data
            else ""
        )
        wards.append(
            WardData(
                code=child.text("code"),
                municipality_code=own_code,
                name=child.text("name"),
                name_en=child.text("name_en"),
            )
        )
    code = _municipality_code(node, "code")
    for what, values in (
        ("code", [w.code for w in wards]),
        ("name", [w.name for w in wards]),
        ("municipality_code", [code] + [w.municipality_code for w in wards if w.municipality_code]),
    ):
        if duplicates := sorted({v for v in values if values.count(v) > 1}):
            raise node.error(key, f"{what} used twice: {', '.join(duplicates)}")
    area_word = node.text("area_word", required=False) or DEFAULT_WORD
    area_word_en = node.text("area_word_en", required=False) or DEFAULT_WORD_EN
    for field, value, limit in (("area_word", area_word, 10), ("area_word_en", area_word_en, 20)):
        if len(value) > limit:
            raise node.error(field, f"at most {limit} characters, got {len(value)}")
    population, as_of = _population(node)
    return MunicipalityData(
        code=code,
        name=node.text("name"),
        name_en=node.text("name_en"),
        prefecture=node.text("prefecture"),
        wards=tuple(wards),
        area_word=area_word,
        area_word_en=area_word_en.lower(),
        population=population,
        population_as_of=as_of,
    )


def _population(node: Node) -> tuple[int | None, datetime.date | None]:
    """``population`` (a whole number above 0) and ``population_as_of`` (its date,
    YYYY-MM-DD): both or neither, since a figure without its date cannot be compared."""
    population = node.integer("population", required=False)
    raw = node.data.get("population_as_of")
    if population is None and raw is None:
        return None, None
    if population is None or population < 1:
        raise node.error("population", f"expected a whole number above 0, got {population!r}")
    if raw is None:
        raise node.error("population_as_of", "give the date of the population (YYYY-MM-DD)")
    if isinstance(raw, datetime.datetime) or not isinstance(raw, datetime.date | str):
        raise node.error("population_as_of", f"expected a date (YYYY-MM-DD), got {raw!r}")
    if isinstance(raw, str):
        try:
            raw = datetime.date.fromisoformat(raw.strip())
        except ValueError as error:
            raise node.error(
                "population_as_of", f"expected a date (YYYY-MM-DD), got {raw!r}"
            ) from error
    return population, raw


def _resource(
    node: Node, type_codes: set[str], pillar_numbers: set[int], ward_codes: set[str]
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


def _volunteer_program(node: Node, pillar_numbers: set[int]) -> VolunteerProgramData:
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
    node: Node, type_codes: set[str], pillar_numbers: set[int], ward_codes: set[str]
) -> tuple[tuple[ResourceData, ...], tuple[VolunteerProgramData, ...]]:
    node.check_keys({"resources", "volunteer_programs"})
    resources = tuple(
        _resource(child, type_codes, pillar_numbers, ward_codes)
        for child in node.children("resources")
    )
    programs = tuple(
        _volunteer_program(child, pillar_numbers) for child in node.children("volunteer_programs")
    )
    for what, codes in (
        ("resources", [r.code for r in resources]),
        ("volunteer_programs", [p.code for p in programs]),
    ):
        if duplicates := sorted({c for c in codes if codes.count(c) > 1}):
            raise node.error(what, f"codes used twice: {', '.join(duplicates)}")
    return resources, programs


# --- Writing: the municipality and its wards -----------------------------------------------


def claim_unowned(model: type[models.Model], municipality: Municipality, **key) -> None:
    """Give ``municipality`` the row of ``model`` matching ``key`` that belongs to no
    municipality (made before any municipality was loaded), unless it has such a row of its
    own: the load then finds it by (municipality, key) and updates it as before."""
    if not model.objects.filter(municipality=municipality, **key).exists():
        unowned = model.objects.filter(municipality__isnull=True, **key)
        claimed = list(unowned.values_list("pk", flat=True))
        unowned.update(municipality=municipality)
        # The rows that keep the municipality's key from these take it too.
        tenancy.keys_follow(model, claimed)


def municipality_sync_from_plan(*, sync: Synchroniser, data: MunicipalityData) -> Municipality:
    """Add the municipality of the plan's data files, or make it and its wards match them.
    An installation may serve several municipalities: another one's rows are never touched,
    and wards are upserted by (municipality, code) and never deleted (progress data refers
    to them)."""
    municipality = sync.upsert(
        Municipality,
        {"code": data.code},
        {
            "name": data.name,
            "name_en": data.name_en,
            "prefecture": data.prefecture,
            "area_word": data.area_word,
            "area_word_en": data.area_word_en,
            "population": data.population,
            "population_as_of": data.population_as_of,
        },
    )
    for position, ward in enumerate(data.wards, start=1):
        claim_unowned(Ward, municipality, code=ward.code)
        sync.upsert(
            Ward,
            {"municipality": municipality, "code": ward.code},
            {
                "municipality_code": ward.municipality_code,
                "name": ward.name,
                "name_en": ward.name_en,
                "position": position,
            },
        )
    return municipality


# --- Writing: the plan's organisations and volunteer programs ------------------------------


def community_sync_from_plan(
    *, sync: Synchroniser, data: CommunityData, plan: models.Model, municipality: Municipality
) -> None:
    """Upsert the organisation types the plan names, and make the directory's plan entries
    (origin ``plan``) and the plan's volunteer programs match ``data``, all of
    ``municipality``: each is found by (municipality, code), and another municipality's are
    never touched. Entries staff made are never touched; types and volunteer programs are
    only upserted, never pruned (the city adds its own). A plan folder that names no
    community file leaves the directory alone. Pillar numbers are those of ``plan``, loaded
    before."""
    # Organisation types are only upserted, never pruned: types the city added are kept.
    for position, item in enumerate(data.organisation_types, start=1):
        names = {"name": item.name, **({"name_en": item.name_en} if item.name_en else {})}
        claim_unowned(OrganisationType, municipality, code=item.code)
        sync.upsert(
            OrganisationType,
            {"municipality": municipality, "code": item.code},
            {**names, "position": position},
        )
    if not data.community_file:
        return
    pillars = {p.number: p for p in pillar_model().objects.filter(plan=plan)}
    types = {t.code: t for t in OrganisationType.objects.filter(municipality=municipality)}
    stages = {s.code: s for s in LifeStage.objects.all()}
    wards = {w.code: w for w in Ward.objects.filter(municipality=municipality)}
    kept = []
    for item in data.resources:
        claim_unowned(CommunityResource, municipality, code=item.code)
        key = {"municipality": municipality, "code": item.code}
        is_new = not CommunityResource.objects.filter(**key).exists()
        resource = sync.upsert(
            CommunityResource,
            key,
            {
                "name": item.name,
                "organisation_type": types[item.type],
                "ward": wards.get(item.ward),
                "school_district": None,
                "consultation": item.consultation,
                "life_stages_inferred": item.life_stages_inferred,
                # ``source`` (where the plan names it) is for those who keep the plan data,
                # not for the residents who read the description.
                "description": item.description,
                "phone": item.phone,
                "hours": item.hours,
                "origin": Origin.PLAN,
            },
        )
        changed = _set_if_differs(resource.life_stages, [stages[c] for c in item.life_stages])
        changed |= _set_if_differs(resource.pillars, [pillars[n] for n in item.pillars])
        if changed and not is_new:
            resource.version += 1
            resource._change_reason = sync.reason  # a load's change, not a person's
            resource.save(update_fields=["version", "updated_at"])
            sync.report.add(CommunityResource, "updated")
        kept.append(resource)
    sync.prune(
        CommunityResource.objects.filter(origin=Origin.PLAN, municipality=municipality), kept
    )

    for position, program in enumerate(data.volunteer_programs, start=1):
        claim_unowned(VolunteerProgram, municipality, code=program.code)
        sync.upsert(
            VolunteerProgram,
            {"municipality": municipality, "code": program.code},
            {
                "name": program.name,
                "pillar": pillars.get(program.pillar),
                "health_volunteer": program.health_volunteer,
                "position": position,
                "origin": Origin.PLAN,
            },
        )


def _set_if_differs(manager, wanted: list) -> bool:
    if {o.pk for o in manager.all()} == {o.pk for o in wanted}:
        return False
    manager.set(wanted)
    return True
