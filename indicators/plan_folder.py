"""The indicators' part of a plan folder (docs/plan-data.md): read, checked, and written.

The indicators (成果指標) stand in the pillar files, in a pillar or one of its sections, with
their plan values (baseline, actuals, the original targets). ``programs.plan_folder`` reads
the pillar files and keeps each indicator's node in its place; here the nodes are read and
checked (raising ``PlanDataError`` naming the file and the place), and written by
``indicators_sync_from_plan``, one step of ``portal.plan_loading.plan_load``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _

from infrastructure import tenancy
from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year
from infrastructure.plan_folder import Node, PlanDataError, PlanFolder
from infrastructure.sync import PlanConflictError
from infrastructure.workflow import Status
from programs.models import Pillar, Plan, Section

from .choices import Derivation, Direction, RulePreset, UnitKind, ValueKind, ValueOrigin
from .models import (
    CommonIndicator,
    Indicator,
    IndicatorValue,
    RatingBand,
    RatingRule,
    Target,
    Unit,
    value_problem,
)
from .rating_rules import PRESET_BANDS

if TYPE_CHECKING:
    from infrastructure.sync import Synchroniser
    from programs.plan_folder import PlanData

# The keys of plan.yaml this part reads.
INDEX_KEYS = frozenset({"units"})
# The choices the models accept, so a data file can hold nothing the database would refuse.
_VALUE_KINDS = set(ValueKind.values)
_DIRECTIONS = set(Direction.values)
_UNIT_KINDS = set(UnitKind.values)
_DERIVATIONS = set(Derivation.values)
_MAX_DECIMALS = 4  # what IndicatorValue.value stores


@dataclass(frozen=True)
class UnitData:
    """A unit the plan's indicators use (plan.yaml's ``units``)."""

    symbol: str
    label: str
    label_en: str
    kind: str
    decimals: int


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
    common: str = ""  # the common indicator's code (共通指標), where the folder maps it


class PlacedIndicator(NamedTuple):
    """An indicator with the pillar it stands in, and its section (None for an indicator of
    the whole pillar)."""

    pillar: int
    section: int | None
    indicator: IndicatorData


@dataclass(frozen=True)
class IndicatorsData:
    """The plan's indicators in its order, and what their writing needs of the plan."""

    indicators: tuple[PlacedIndicator, ...]
    source: str  # the plan's title: where the plan values come from
    priority_areas: tuple[int, ...]  # the chapters the folder holds
    units: tuple[UnitData, ...] = ()


# --- Reading -------------------------------------------------------------------------------


def indicators_read_from_plan(folder: PlanFolder, plan: PlanData) -> IndicatorsData:
    """The units ``plan.yaml`` declares, and the indicators of the pillar files ``plan`` was
    read from (``plan_read_from_plan``), each in a declared unit, its values checked
    against the unit."""
    units = _units(folder.index)
    by_symbol = {unit.symbol: unit for unit in units}
    indicators = tuple(
        PlacedIndicator(pillar, section, _indicator(node, by_symbol))
        for pillar, section, node in plan.indicator_places()
    )
    codes = [placed.indicator.code for placed in indicators]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise PlanDataError(f"indicator codes used twice: {', '.join(duplicates)}")
    return IndicatorsData(
        indicators=indicators,
        source=plan.title,
        priority_areas=tuple(area.number for area in plan.priority_areas),
        units=units,
    )


def _units(root: Node) -> tuple[UnitData, ...]:
    units = []
    for child in root.children("units"):
        child.check_keys({"symbol", "label", "label_en", "kind", "decimals"})
        symbol = child.text("symbol")
        if len(symbol) > 10:
            raise child.error("symbol", f"{symbol!r} is longer than 10 characters")
        kind = child.choice("kind", _UNIT_KINDS)
        decimals = child.integer("decimals")
        if decimals > _MAX_DECIMALS:
            raise child.error("decimals", f"at most {_MAX_DECIMALS} (what the database stores)")
        if kind == UnitKind.COUNT and decimals:
            raise child.error("decimals", "a count is a whole number: 0")
        units.append(
            UnitData(
                symbol=symbol,
                label=child.text("label", required=False) or symbol,
                label_en=child.text("label_en", required=False),
                kind=kind,
                decimals=decimals,
            )
        )
    symbols = [unit.symbol for unit in units]
    if duplicates := sorted({s for s in symbols if symbols.count(s) > 1}):
        raise root.error("units", f"symbols used twice: {', '.join(duplicates)}")
    return tuple(units)


def _value(node: Node) -> ValueData:
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


def _indicator(node: Node, units: dict[str, UnitData]) -> IndicatorData:
    node.check_keys(
        {"code", "name", "unit", "direction", "source", "notes", "values", "derivation", "common"}
    )
    symbol = node.text("unit")
    if (unit := units.get(symbol)) is None:
        declared = ", ".join(sorted(units)) or "none"
        raise node.error("unit", f"{symbol!r} is not one of plan.yaml's units ({declared})")
    children = node.children("values")
    values = tuple(_value(child) for child in children)
    for child, value in zip(children, values, strict=True):
        problem = value_problem(unit.kind, unit.decimals, unit.label, value.value)
        if not problem and -value.value.as_tuple().exponent > unit.decimals:
            problem = f"printed with more decimals than the unit's {unit.decimals}"
        if problem:
            raise child.error("value", f"{value.value} ({unit.symbol}, {unit.kind}): {problem}")
    keys = [(v.kind, v.fiscal_year) for v in values]
    if len(set(keys)) != len(keys):
        raise node.error("values", "the same kind and fiscal year is given twice")
    return IndicatorData(
        code=node.text("code"),
        name=node.text("name"),
        unit=symbol,
        direction=node.choice("direction", _DIRECTIONS),
        source=node.text("source", required=False),
        notes=node.strings("notes"),
        values=values,
        derivation=node.choice("derivation", _DERIVATIONS) if node.data.get("derivation") else "",
        common=node.text("common", required=False),
    )


# --- Writing -------------------------------------------------------------------------------


def indicators_sync_from_plan(*, sync: Synchroniser, data: IndicatorsData, plan: Plan) -> None:
    """Make the plan's indicators and their plan values (origin ``plan``) match ``data``.

    Values entered by staff are left alone; if one stands where the plan now puts a value,
    or belongs to an indicator the plan no longer has, nothing is written and the conflict is
    reported, for a person to resolve. Codes are the plan's own; indicators of other plans,
    and of chapters the data does not hold, are left alone.
    """
    rating_rules_sync(sync=sync, municipality=plan.municipality)
    # Units are only upserted, never pruned: another plan's indicators may use them.
    # Units are shared by every municipality (docs/architecture.md, "Many municipalities"):
    # one another municipality's indicators use is kept as it is.
    elsewhere = set(
        Indicator.objects.filter(plan__municipality__isnull=False)
        .exclude(plan__municipality=plan.municipality)
        .values_list("unit__symbol", flat=True)
    )
    units = {
        item.symbol: sync.upsert(
            Unit,
            {"symbol": item.symbol},
            {
                "label": item.label,
                "label_en": item.label_en,
                "kind": item.kind,
                "decimals": item.decimals,
            }
            if item.symbol not in elsewhere or not Unit.objects.filter(symbol=item.symbol).exists()
            else {},
        )
        for item in data.units
    }
    commons = _common_indicators(data, units)
    kept = []
    for position, (pillar_number, section_number, item) in enumerate(data.indicators, start=1):
        pillar = Pillar.objects.get(plan=plan, number=pillar_number)
        section = (
            Section.objects.get(pillar=pillar, number=section_number) if section_number else None
        )
        indicator = sync.upsert(
            Indicator,
            {"plan": plan, "code": item.code},
            {
                "name": item.name,
                "unit": units[item.unit],
                "direction": item.direction,
                "pillar": pillar,
                "section": section,
                "position": position,
                # Shown with as many decimals as the plan prints (34.0％, 78.61％); an
                # indicator the plan gives no figure for, with its unit's.
                "decimal_places": max(
                    (max(-v.value.as_tuple().exponent, 0) for v in item.values),
                    default=units[item.unit].decimals,
                ),
                "source": item.source,
                "notes": "\n".join(item.notes),
                "derivation": item.derivation,
                # Where the folder maps it; else as a planner mapped it in the admin.
                **({"common": commons[item.common]} if item.common else {}),
            },
        )
        kept_values, kept_targets = [], []
        for value in item.values:
            if value.kind == ValueKind.TARGET:
                # The plan's original target: a Target of origin plan, never a revision.
                kept_targets.append(
                    sync.upsert(
                        Target,
                        {
                            "indicator": indicator,
                            "fiscal_year": value.fiscal_year,
                            "ward": None,
                            "origin": ValueOrigin.PLAN,
                        },
                        {
                            "value": value.value,
                            "revised_in": None,
                            "as_of": value.as_of,
                            "note": value.note,
                            "source": data.source,
                        },
                    )
                )
                continue
            key = {
                "indicator": indicator,
                "fiscal_year": value.fiscal_year,
                "kind": value.kind,
                "ward": None,
            }
            if IndicatorValue.objects.filter(**key).exclude(origin=ValueOrigin.PLAN).exists():
                raise PlanConflictError(
                    _("%(code)s の%(year)s年度の%(kind)s は入力済みの値と重なります。")
                    % {
                        "code": item.code,
                        "year": value.fiscal_year,
                        "kind": ValueKind(value.kind).label,
                    }
                )
            kept_values.append(
                sync.upsert(
                    IndicatorValue,
                    key,
                    {
                        "value": value.value,
                        "as_of": value.as_of,
                        "note": value.note,
                        "source": data.source,
                        "origin": ValueOrigin.PLAN,
                        "status": Status.APPROVED,
                    },
                )
            )
        sync.prune(indicator.values.filter(origin=ValueOrigin.PLAN), kept_values)
        sync.prune(indicator.targets.filter(origin=ValueOrigin.PLAN), kept_targets)
        kept.append(indicator)

    own = Indicator.objects.filter(plan=plan, pillar__priority_area__number__in=data.priority_areas)
    for stale in own.exclude(pk__in=[i.pk for i in kept]):
        entered = stale.values.exclude(origin=ValueOrigin.PLAN).exists()
        if entered or stale.targets.exclude(origin=ValueOrigin.PLAN).exists():
            raise PlanConflictError(
                _("%(code)s は計画から外れましたが、入力済みの値があるため削除できません。")
                % {"code": stale.code}
            )
        sync.prune(stale.values.all(), [])
        sync.prune(stale.targets.all(), [])
        sync.prune(Indicator.objects.filter(pk=stale.pk), [])


def _common_indicators(data: IndicatorsData, units: dict[str, Unit]) -> dict[str, CommonIndicator]:
    """The common indicators (共通指標) the folder maps indicators to, by code: each must
    exist (the migrations ship them, the administrator adds more) and measure in a unit of
    the indicator's kind. Checked when writing, against the database's list: a conflict,
    and the load writes nothing (one transaction)."""
    codes = {placed.indicator.common for placed in data.indicators if placed.indicator.common}
    found = {c.code: c for c in CommonIndicator.objects.filter(code__in=codes)}
    for _pillar, _section, item in data.indicators:
        if not item.common:
            continue
        common = found.get(item.common)
        if common is None:
            raise PlanConflictError(f"{item.code}: common: no common indicator {item.common!r}")
        kind = units[item.unit].kind if item.unit in units else None
        if kind is not None and kind != common.unit_kind:
            raise PlanConflictError(
                f"{item.code}: common: {item.common!r} is measured as {common.unit_kind}, "
                f"the indicator's unit {item.unit!r} as {kind}"
            )
    return found


def rating_rules_sync(*, sync: Synchroniser, municipality) -> None:
    """Give a municipality loaded for the first time its rating rules (評価基準): the presets
    that belong to no municipality (made by the migrations before any municipality was
    loaded), or, when another municipality has taken those, a fresh set of the presets
    (``PRESET_BANDS``, the pace rule in use). A municipality that has its rules keeps them as
    its planners left them (docs/architecture.md, "Many municipalities")."""
    if municipality is None or RatingRule.objects.filter(municipality=municipality).exists():
        return
    # Taken as they are (an update of the key alone, as the migration that added it fills it).
    unowned = RatingRule.objects.filter(municipality__isnull=True)
    claimed = list(unowned.values_list("pk", flat=True))
    if taken := unowned.update(municipality=municipality):
        tenancy.keys_follow(RatingRule, claimed)  # their bands keep the key too
        for _rule in range(taken):
            sync.report.add(RatingRule, "updated")
        return
    for name in RulePreset.values:
        preset = RulePreset(name)
        with translation.override("ja"):
            label = str(preset.label)
        with translation.override("en"):
            label_en = str(preset.label)
        rule = RatingRule(
            municipality=municipality,
            name=name,
            label=label,
            label_en=label_en if label_en != label else "",
            is_active=name == RulePreset.PACE,
        )
        rule._change_reason = sync.reason
        rule.full_clean()
        rule.save()
        sync.report.add(RatingRule, "created")
        for position, band in enumerate(PRESET_BANDS[name]):
            with translation.override("en"):
                band_en = _(band.label)
            RatingBand.objects.create(
                rule=rule,
                code=band.code,
                label=band.label,
                label_en=band_en if band_en != band.label else "",
                group=band.group,
                use=band.use,
                minimum=band.minimum,
                position=position,
            )
            sync.report.add(RatingBand, "created")
