"""An indicator's trend as a small vector chart, drawn on the server as inline SVG.

For the printed report (施策評価書): no script, no raster, so it is as sharp on paper as the
text around it, and the PDF renderer draws it itself. It shows what ``charts.chart_data``
gives the pages' interactive chart: the actuals, the expected trajectory, the baseline and
every target as a level line (the plan's original from the baseline year, each revision from
the year it was set in), on labelled axes. A ``<title>`` and ``<desc>`` say the same in words
for anyone who cannot see it.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from infrastructure.fiscal_year import fiscal_year_label, fiscal_year_short_label
from infrastructure.punctuation import in_english, joined, parenthesised

from .choices import ValueKind

WIDTH, HEIGHT = 400, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 14, 26, 66  # room for the axes' labels and the legend
FONT = "Noto Sans CJK JP, Noto Sans JP, sans-serif"
# Distinct in greyscale too: the council's copies are often printed black and white.
STYLES = {
    "actual": {"stroke": "#1f4e8c", "stroke-width": "2"},
    "expected": {"stroke": "#777777", "stroke-width": "1.2", "stroke-dasharray": "2 3"},
    "baseline": {"stroke": "#2e7d32", "stroke-width": "1.2", "stroke-dasharray": "6 3"},
    "target": {"stroke": "#b3261e", "stroke-width": "1.6"},
    "target-revised": {"stroke": "#b3261e", "stroke-width": "1.6", "stroke-dasharray": "8 3 2 3"},
}


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values spanning [low, high] (1, 2, 2.5 or 5 times a power of ten)."""
    if high == low:
        high, low = high + (abs(high) or 1) * 0.1, low - (abs(low) or 1) * 0.1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _attrs(values: dict[str, str]) -> str:
    return " ".join(f'{name}="{escape(value)}"' for name, value in values.items())


def _format(value: float, places: int) -> str:
    return f"{value:,.{places}f}"


def trend_chart_svg(indicator, series: dict, *, chart_id: str) -> SafeString:
    """The chart of ``series`` (``selectors.series_by_indicator``'s entry for ``indicator``)."""
    points, expected = series["points"], series["expected"]
    unit, places = str(indicator.get_unit_display()), indicator.decimal_places
    # After a figure: 「111,901人」, "79.4%", "111,901 people" (a word takes a space).
    unit_after = unit if indicator.unit.is_percentage or not in_english() else f" {unit}"
    years = sorted({p.fiscal_year for p in points} | {p.fiscal_year for p in expected})
    title = _("%(code)s %(name)s の推移") % {"code": indicator.code, "name": indicator.name}
    if not years:
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="trend-chart" '
            f'viewBox="0 0 {WIDTH} 40" aria-labelledby="{chart_id}-title">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<text x="8" y="24" font-family="{FONT}" font-size="11">'
            f"{escape(_('データがありません'))}</text></svg>"
        )
    years = list(range(years[0], years[-1] + 1))
    values = [float(p.value) for p in points] + [float(p.value) for p in expected]
    # A little room below and above, so that no line runs along the axis itself.
    pad = (max(values) - min(values)) * 0.06
    ticks = _nice_ticks(min(values) - pad, max(values) + pad)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + (year - years[0]) / (years[-1] - years[0]) * plot_w

    def y(value: Decimal | float) -> float:
        return TOP + plot_h - (float(value) - low) / (high - low) * plot_h

    parts: list[str] = []
    text = f'font-family="{FONT}" font-size="11" fill="#222"'
    tick_places = _tick_places(ticks)
    # Grid and the value axis, with the unit.
    for tick in ticks:
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#dddddd" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y(tick) + 3:.1f}" text-anchor="end" {text}>'
            f"{escape(_format(tick, tick_places))}</text>"
        )
    # (Out of the f-string, so that makemessages finds the text.)
    unit_text = _("単位：%(unit)s") % {"unit": unit}
    parts.append(f'<text x="4" y="{TOP - 12}" {text}>{escape(unit_text)}</text>')
    # The year axis: every year if they fit, else every other one.
    every = 1 if len(years) <= 10 else 2
    for n, year in enumerate(years):
        if n % every:
            continue
        parts.append(
            f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{TOP + plot_h}" '
            f'y2="{TOP + plot_h + 3}" stroke="#222" stroke-width="0.8"/>'
            f'<text x="{x(year):.1f}" y="{TOP + plot_h + 15}" text-anchor="middle" {text}>'
            f"{escape(fiscal_year_short_label(year))}</text>"
        )
    parts.append(
        f'<path d="M{LEFT} {TOP} V{TOP + plot_h} H{LEFT + plot_w}" fill="none" '
        f'stroke="#222" stroke-width="0.8"/>'
    )

    legend: list[tuple[str, str]] = []
    desc: list[str] = []

    def line(key: str, label: str, found: list[tuple[int, float]], *, marks: bool = False):
        if not found:
            return
        style = _attrs(STYLES[key])
        path = " ".join(
            f"{'M' if n == 0 else 'L'}{x(year):.1f} {y(value):.1f}"
            for n, (year, value) in enumerate(found)
        )
        parts.append(f'<path d="{path}" fill="none" {style}><title>{escape(label)}</title></path>')
        if marks:
            colour = STYLES[key]["stroke"]
            for year, value in found:
                parts.append(
                    f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="2.6" fill="{colour}"/>'
                )
        if (key, label) not in legend:
            legend.append((key, label))

    by_kind = {kind: [p for p in points if p.kind == kind] for kind in ValueKind.values}
    baseline = by_kind[ValueKind.BASELINE]
    start = baseline[0].fiscal_year if baseline else years[0]
    if baseline:
        level = float(baseline[0].value)
        line("baseline", _("基準値"), [(years[0], level), (years[-1], level)])
        desc.append(
            _("基準値 %(value)s（%(year)s）")
            % {"value": _format(level, places) + unit_after, "year": fiscal_year_label(start)}
        )
    line("expected", _("期待される推移"), [(p.fiscal_year, float(p.value)) for p in expected])
    for target in by_kind[ValueKind.TARGET]:
        first = target.revised_in if target.revised_in is not None else start
        first = min(first, target.fiscal_year)
        level = float(target.value)
        if target.revised_in is None:
            key, label = "target", _("目標値（当初）")
        else:
            key = "target-revised"
            label = _("目標値（%(year)sに見直し）") % {
                "year": fiscal_year_short_label(target.revised_in)
            }
        line(key, label, [(first, level), (target.fiscal_year, level)])
        parts.append(
            f'<circle cx="{x(target.fiscal_year):.1f}" cy="{y(level):.1f}" r="3" fill="#fff" '
            f'stroke="{STYLES[key]["stroke"]}" stroke-width="1.4"/>'
        )
        desc.append(
            f"{label} {_format(level, places)}{unit_after}"
            f"{parenthesised(fiscal_year_label(target.fiscal_year))}"
        )
    actuals = [(p.fiscal_year, float(p.value)) for p in by_kind[ValueKind.ACTUAL]]
    line("actual", _("実績値"), actuals, marks=True)
    desc.extend(
        _("実績値 %(value)s（%(year)s）")
        % {"value": _format(value, places) + unit_after, "year": fiscal_year_label(year)}
        for year, value in actuals
    )

    # The legend, under the year axis, two entries a row.
    for n, (key, label) in enumerate(legend):
        legend_x = 8 + (n % 2) * (WIDTH // 2)
        legend_y = TOP + plot_h + 30 + (n // 2) * 14
        style = _attrs(STYLES[key])
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 16}" y1="{legend_y - 3}" '
            f'y2="{legend_y - 3}" {style}/>'
            f'<text x="{legend_x + 19}" y="{legend_y}" {text}>{escape(label)}</text>'
        )
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="trend-chart" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(joined(desc))}</desc>' + "".join(parts) + "</svg>"
    )


def _tick_places(ticks: list[float]) -> int:
    """As many decimals as the ticks' step needs: 0 for 5, 1 for 0.5, 2 for 0.25."""
    if len(ticks) < 2:
        return 0
    step = abs(ticks[1] - ticks[0])
    for places in range(4):
        if abs(round(step, places) - step) < 1e-9:
            return places
    return 4
