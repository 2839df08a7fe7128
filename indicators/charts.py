"""Chart data for the pages: what static/js/charts.js draws, and the table beside each chart
that says the same for anyone who cannot see it (or has JavaScript off)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from community.areas import area_word
from infrastructure.fiscal_year import fiscal_year_label, fiscal_year_short_label

from .choices import ValueKind
from .progress import Point


def _display(value: Decimal | None, unit: str, places: int) -> str:
    return "—" if value is None else f"{value:,.{places}f}{unit}"


def _chart(kind: str, labels: list[str], row_labels: list[str], unit: str, datasets: list[dict]):
    """``datasets``: key, label, values (Decimal or None per label) and display strings."""
    return {
        "type": kind,
        "unit": unit,
        "labels": labels,
        "datasets": [
            {
                "key": d["key"],
                "label": d["label"],
                "data": [None if v is None else float(v) for v in d["values"]],
            }
            for d in datasets
        ],
        "table": {
            "columns": [d["label"] for d in datasets],
            "rows": [
                {
                    "label": row_label,
                    "cells": [d["display"][i] for d in datasets],
                    # Each cell with its column's name, for the table stacked on a phone.
                    "labelled": [(d["label"], d["display"][i]) for d in datasets],
                }
                for i, row_label in enumerate(row_labels)
                if any(d["values"][i] is not None for d in datasets)
            ],
        },
    }


def chart_data(indicator, series: dict) -> dict:
    """A line chart of an indicator: actuals, the expected line, baseline, and each target
    as a level line: the plan's original from the baseline year to its target year, and
    each revision from the fiscal year it was set in to its target year."""
    points, expected = series["points"], series["expected"]
    years = sorted({p.fiscal_year for p in points} | {p.fiscal_year for p in expected})
    if years:
        years = list(range(years[0], years[-1] + 1))
    unit, places = str(indicator.get_unit_display()), indicator.decimal_places

    def dataset(key, label, found):
        by_year = {p.fiscal_year: p.value for p in found}
        values = [by_year.get(year) for year in years]
        return {
            "key": key,
            "label": label,
            "values": values,
            "display": [_display(v, unit, places) for v in values],
        }

    by_kind = {kind: [p for p in points if p.kind == kind] for kind in ValueKind.values}
    baseline = by_kind[ValueKind.BASELINE]
    start = baseline[0].fiscal_year if baseline else None
    targets = []
    for target in by_kind[ValueKind.TARGET]:
        first = target.revised_in if target.revised_in is not None else start
        first = target.fiscal_year if first is None else min(first, target.fiscal_year)
        # Its two ends: the chart joins them (spanGaps), the table names both years.
        level = [Point(first, target.value), Point(target.fiscal_year, target.value)]
        if target.revised_in is None:
            targets.append(dataset("target", _("目標値（当初）"), level))
        else:
            label = _("目標値（%(year)sに見直し）") % {"year": fiscal_year_label(target.revised_in)}
            targets.append(dataset("target-revised", label, level))
    return _chart(
        "line",
        [f"{year} ({fiscal_year_short_label(year)})" for year in years],
        [fiscal_year_label(year) for year in years],
        unit,
        [
            dataset("actual", _("実績値"), by_kind[ValueKind.ACTUAL]),
            dataset("expected", _("期待される推移"), expected),
            dataset("baseline", _("基準値"), baseline),
            *targets,
        ],
    )


def achievement_chart(labels: list[str], series: list[tuple[str, str, list]]) -> dict:
    """A bar chart of achievement rates (%): ``series`` is (key, label, rates per label)."""
    return _chart(
        "bar",
        labels,
        labels,
        "%",
        [
            {
                "key": key,
                "label": label,
                "values": rates,
                "display": [_display(r, "%", 1) for r in rates],
            }
            for key, label, rates in series
        ],
    )


def ward_chart(indicator, table: dict) -> dict:
    """A line per ward (and the city) of the actuals the user may see, from
    ``ward_value_table``; unapproved values are left out of the chart, the table marks them.

    A rate compares on one scale. A count does not: the city's is the sum of the wards', so
    on their scale the ward lines would collapse at the bottom. The city then goes on a
    second axis (``axis: "city"``, drawn on the right), each axis titled with what it counts.
    A city without wards has the city's line alone, on the one axis."""
    unit, places = str(indicator.get_unit_display()), indicator.decimal_places
    own_axis = indicator.unit.summed and bool(table["wards"])
    years = [row["fiscal_year"] for row in table["rows"]]
    # Keys by the ward's place in the list (ward-1 …), so each has its own line style
    # whatever the municipality's wards are called.
    places_columns = [("city", _("市全体"))] + [
        (f"ward-{n}", w.display_name) for n, w in enumerate(table["wards"], start=1)
    ]
    datasets = []
    for column, (key, label) in enumerate(places_columns):
        values = [
            cell.value if (cell := row["cells"][column]) and cell.status == "approved" else None
            for row in table["rows"]
        ]
        datasets.append(
            {
                "key": key,
                "label": label,
                "values": values,
                "display": [_display(v, unit, places) for v in values],
            }
        )
    chart = _chart(
        "line",
        [f"{year} ({fiscal_year_short_label(year)})" for year in years],
        [fiscal_year_label(year) for year in years],
        unit,
        datasets,
    )
    if own_axis:
        city = chart["datasets"][0]
        city["axis"] = "city"
        city["label"] = _("市全体（右の目盛）")
        chart["axes"] = {
            "y": _("各%(area)s（%(unit)s）") % {"area": area_word(), "unit": unit},
            "city": _("市全体（%(unit)s）") % {"unit": unit},
        }
    return chart
