"""The prefecture's view (都道府県の一覧): its municipalities side by side for a fiscal year.

For each municipality of the prefecture (the first two digits of its 全国地方公共団体コード,
JIS X 0401) loaded here: its current plan and period, its indicators counted by the verdict
(``indicators.selectors.progress_by_indicator``, the one verdict), the year's evaluations
expected, written and approved, and whether its council report is final (the report's 案 rule,
``evaluations.selectors.year_evaluations_by_plan``). Then the common indicators (共通指標):
for each, every municipality's indicator mapped to it (``Indicator.common``), with its
approved city-wide actual of the year, the target in force, and per 1,000 residents where the
municipality states its population and the common indicator is a count.

Approved data only, whoever asks: every read goes through the access policy as the public.
Across every municipality (``infrastructure.tenancy.across``), in a number of queries that does
not grow with the number of municipalities. The page (``portal.views.prefecture``) and the API
(``portal.api.PrefectureView``) show the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from community.models import PREFECTURE_CODE as PREFECTURE_PATTERN
from community.models import Municipality
from evaluations.selectors import year_evaluations_by_plan
from indicators.choices import ProgressStatus, ValueKind
from indicators.models import CommonIndicator, Indicator, IndicatorValue
from indicators.progress import Point, Progress
from indicators.selectors import default_fiscal_years, plan_reaches, progress_by_indicator
from infrastructure import policy, tenancy
from infrastructure.fiscal_year import FiscalYearError, current_fiscal_year, parse_fiscal_year
from programs.models import Plan, current_of

# A prefecture's code (community.models.PREFECTURE_CODE): the first two digits of each of its
# municipalities' codes (JIS X 0402).
PREFECTURE_CODE = re.compile(PREFECTURE_PATTERN)
PER = 1000  # residents
PER_PLACES = Decimal("0.01")


class UnknownPrefectureError(LookupError):
    """No municipality of this prefecture is loaded (or the code is not a prefecture's)."""


@dataclass(frozen=True)
class MunicipalityYear:
    """One municipality's row: its plan for the year, and how the year stands."""

    municipality: Municipality
    plan: Plan | None
    indicators: int
    by_status: dict[str, int]
    evaluations_expected: int
    evaluations_written: int
    evaluations_approved: int
    report_final: bool

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the order of ``ProgressStatus``."""
        return [(s.value, str(s.label), self.by_status[s.value]) for s in ProgressStatus]


@dataclass(frozen=True)
class CommonFigure:
    """A municipality's figure for a common indicator: its own mapped indicator, the approved
    city-wide actual of the year and the target in force (None: none), and the actual per
    1,000 residents (None where the population is not stated or the unit is not a count)."""

    municipality: Municipality
    indicator: Indicator | None = None
    actual: Decimal | None = None
    target: Point | None = None
    per_thousand: Decimal | None = None

    @property
    def actual_text(self) -> str:
        return self.indicator.figure_text(self.actual) if self.actual is not None else ""

    @property
    def target_text(self) -> str:
        return self.indicator.figure_text(self.target.value) if self.target is not None else ""


@dataclass(frozen=True)
class CommonRow:
    common: CommonIndicator
    figures: list[CommonFigure] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        """Whether any municipality maps an indicator to it (the page compares only those)."""
        return any(figure.indicator is not None for figure in self.figures)


@dataclass(frozen=True)
class PrefectureYear:
    code: str
    name: str  # the prefecture's name as the municipalities' data give it
    fiscal_year: int
    years: list[int]  # the fiscal years offered: those of any of its plans' reach
    municipalities: list[MunicipalityYear]
    common: list[CommonRow]

    @property
    def unmapped_common(self) -> list[str]:
        """The names of the common indicators no municipality maps (in the active language)."""
        return [row.common.display_name for row in self.common if not row.mapped]


def prefecture_municipalities(code: str) -> list[Municipality]:
    """The prefecture's municipalities loaded here, by code. UnknownPrefectureError if none."""
    if not PREFECTURE_CODE.match(code or ""):
        raise UnknownPrefectureError(code)
    with tenancy.across():
        found = list(
            policy.restrict(Municipality.objects.filter(code__startswith=code), None).order_by(
                "code"
            )
        )
    if not found:
        raise UnknownPrefectureError(code)
    return found


def prefecture_year(code: str, fiscal_year: str | int | None = None) -> PrefectureYear:
    """The prefecture's view for ``fiscal_year`` (2015, H27, 平成27年度 …) if one of its plans
    reports on it, else for the latest year with approved data of any of them (each plan's
    ``default_fiscal_year``). UnknownPrefectureError for a prefecture with no municipality
    loaded."""
    municipalities = prefecture_municipalities(code)
    with tenancy.across():
        return _prefecture_year(code, municipalities, fiscal_year)


def _prefecture_year(code, municipalities, asked) -> PrefectureYear:
    public = None  # every read as the public: approved data only
    plans_of: dict[int, list[Plan]] = {m.pk: [] for m in municipalities}
    for plan in policy.restrict(Plan.objects.filter(municipality__in=municipalities), public):
        plans_of[plan.municipality_id].append(plan)
    current = {m.pk: current_of(sorted(plans_of[m.pk], key=lambda p: p.pk)) for m in municipalities}
    plans = [plan for plan in current.values() if plan is not None]

    reaches = plan_reaches(plans)
    years = sorted({y for r in reaches.values() if r for y in range(r[0], r[1] + 1)})
    year = _asked_year(asked, years)
    if year is None:
        # The latest of the years each plan's pages show first (``default_fiscal_year``).
        defaults = default_fiscal_years(plans, reaches)
        year = max(defaults.values(), default=current_fiscal_year())

    indicators = list(
        policy.restrict(Indicator.objects.filter(plan__in=plans), public)
        .select_related("common")
        .order_by("plan_id", "pillar__number", "position", "code")
    )
    progress = progress_by_indicator(indicators, up_to=year) if indicators else {}
    evaluations = year_evaluations_by_plan(fiscal_year=year, plans=plans)

    rows = []
    for municipality in municipalities:
        plan = current[municipality.pk]
        own = [progress[i.pk] for i in indicators if plan is not None and i.plan_id == plan.pk]
        counts = dict.fromkeys(ProgressStatus.values, 0)
        for found in own:
            counts[found.status.value] += 1
        year_evaluations = evaluations.get(plan.pk) if plan is not None else None
        rows.append(
            MunicipalityYear(
                municipality=municipality,
                plan=plan,
                indicators=len(own),
                by_status=counts,
                evaluations_expected=year_evaluations.expected if year_evaluations else 0,
                evaluations_written=year_evaluations.written if year_evaluations else 0,
                evaluations_approved=year_evaluations.approved if year_evaluations else 0,
                report_final=bool(year_evaluations and year_evaluations.complete),
            )
        )
    return PrefectureYear(
        code=code,
        name=_prefecture_name(municipalities),
        fiscal_year=year,
        years=years,
        municipalities=rows,
        common=_common_rows(municipalities, current, indicators, progress, year),
    )


def _asked_year(asked, years: list[int]) -> int | None:
    if asked in (None, ""):
        return None
    try:
        year = parse_fiscal_year(str(asked))
    except FiscalYearError:
        return None
    return year if year in years else None


def _prefecture_name(municipalities: list[Municipality]) -> str:
    names = [m.prefecture for m in municipalities if m.prefecture]
    return max(set(names), key=names.count) if names else ""


def _common_rows(municipalities, current, indicators, progress, year) -> list[CommonRow]:
    """Every common indicator, with each municipality's figure (its first indicator in plan
    order mapped to it)."""
    mapped: dict[tuple[int, int], Indicator] = {}
    plan_ids = {plan.pk: m_pk for m_pk, plan in current.items() if plan is not None}
    for indicator in indicators:
        if indicator.common_id is not None:
            mapped.setdefault((plan_ids[indicator.plan_id], indicator.common_id), indicator)
    actuals = dict(
        policy.restrict(
            IndicatorValue.objects.filter(
                indicator__in=[i.pk for i in mapped.values()],
                kind=ValueKind.ACTUAL,
                ward__isnull=True,
                fiscal_year=year,
            ),
            None,
        )
        .order_by()
        .values_list("indicator_id", "value")
    )
    rows = []
    for common in policy.restrict(CommonIndicator.objects.all(), None):
        figures = []
        for municipality in municipalities:
            indicator = mapped.get((municipality.pk, common.pk))
            if indicator is None:
                figures.append(CommonFigure(municipality))
                continue
            actual = actuals.get(indicator.pk)
            found: Progress = progress[indicator.pk]
            figures.append(
                CommonFigure(
                    municipality,
                    indicator,
                    actual,
                    found.target,
                    per_thousand(actual, municipality.population) if common.per_resident else None,
                )
            )
        rows.append(CommonRow(common, figures))
    return rows


def per_thousand(value: Decimal | None, population: int | None) -> Decimal | None:
    """``value`` per 1,000 residents, two decimals (None without both)."""
    if value is None or not population:
        return None
    return (value * PER / population).quantize(PER_PLACES, rounding=ROUND_HALF_UP)


def prefecture_data(view: PrefectureYear) -> dict:
    """The view as plain data (the API's answer; the page shows the same)."""
    from infrastructure.fiscal_year import fiscal_year_label

    def point(found: Point | None) -> dict | None:
        if found is None:
            return None
        return {"fiscal_year": found.fiscal_year, "value": str(found.value)}

    def figure(found: CommonFigure) -> dict:
        municipality = found.municipality
        return {
            "municipality": municipality.code,
            "indicator": found.indicator.code if found.indicator else None,
            "indicator_name": found.indicator.name if found.indicator else None,
            "actual": None if found.actual is None else str(found.actual),
            "target": point(found.target),
            "per_thousand": None if found.per_thousand is None else str(found.per_thousand),
        }

    return {
        "prefecture": view.code,
        "name": view.name,
        "fiscal_year": view.fiscal_year,
        "fiscal_year_label": fiscal_year_label(view.fiscal_year),
        "fiscal_years": view.years,
        "municipalities": [
            {
                "code": row.municipality.code,
                "name": row.municipality.display_name,
                "population": row.municipality.population,
                "population_as_of": row.municipality.population_as_of,
                "plan": row.plan.code if row.plan else None,
                "plan_title": row.plan.display_title if row.plan else None,
                "period_start": row.plan.period_start if row.plan else None,
                "period_end": row.plan.period_end if row.plan else None,
                "indicators": row.indicators,
                "by_status": row.by_status,
                "evaluations": {
                    "expected": row.evaluations_expected,
                    "written": row.evaluations_written,
                    "approved": row.evaluations_approved,
                },
                "report_final": row.report_final,
            }
            for row in view.municipalities
        ],
        "common_indicators": [
            {
                "code": row.common.code,
                "name": row.common.display_name,
                "unit": row.common.display_unit,
                "unit_kind": row.common.unit_kind,
                "per_resident": row.common.per_resident,
                "figures": [figure(found) for found in row.figures],
            }
            for row in view.common
        ],
    }
