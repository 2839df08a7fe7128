"""Every public page at phone width (390 × 844) and on a laptop (1366): the page itself never
scrolls sideways, with every fold opened; without JavaScript a chart's place shows its
table; with it, the chart is drawn there and the ward chart keeps the wards on their own
scale. Screenshots of the pages the issue names go to test-artifacts/screenshots/."""

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import (
    PASSWORD,
    SCREENSHOTS,
    assert_no_csp_violation,
    new_context,
)

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
SHOWN = {
    "home": "/",
    "pillar-3": "/pillars/3/",
    "indicator-KPI-3-1": "/indicators/KPI-3-1/",
    "ward-chuo": "/wards/中央区/",
}


def _json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def public_pages(base: str) -> list[str]:
    """Every public page of kumamoto_welfare/urls.py, each indicator, ward and report year."""
    indicators = [i["code"] for i in _json(base + "/api/v1/indicators/")]
    wards = [w["name"] for w in _json(base + "/api/v1/wards/")]
    prefecture = _json(base + "/api/v1/municipality/")["municipality_code"][:2]
    years = [2014, 2016, 2019]
    return [
        "/",
        "/?fiscal_year=2016",
        *(f"/pillars/{n}/" for n in range(1, 5)),
        *(f"/indicators/{code}/" for code in indicators),
        *(f"/wards/{name}/" for name in wards),
        "/consult/",
        "/consult/?life_stage=old-age&ward=chuo",
        "/yasashii/",
        "/yasashii/consult/",
        "/yasashii/indicators/",
        f"/pref/{prefecture}/",
        *(f"/reports/{year}/" for year in years),
        "/api/docs/",
        "/admin/login/",
    ]


def sideways(page) -> int:
    """How far the page scrolls sideways, with every <details> opened."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def too_wide(page, width: int) -> list[str]:
    """The elements reaching past the viewport, to name in a failure."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > width + 1)
             .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)""",
        width,
    )


@pytest.mark.parametrize("size", WIDTHS)
def test_no_public_page_scrolls_sideways(live_app, browser, size):
    viewport = WIDTHS[size]
    context = new_context(browser, locale="ja-JP", viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    pages = public_pages(live_app)
    assert len(pages) > 20
    for path in pages:
        assert page.goto(live_app + path).status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
            path,
            too_wide(page, viewport["width"]),
        )
        assert sideways(page) <= 0, (path, too_wide(page, viewport["width"]))
    for name, path in SHOWN.items():
        page.goto(live_app + path)
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"glance-{name}-{viewport['width']}.png", full_page=True)
    context.close()
    assert errors == []
    assert_no_csp_violation(context)


@pytest.mark.parametrize("size", WIDTHS)
def test_the_completeness_page_does_not_scroll_sideways(live_app, browser, size):
    viewport = WIDTHS[size]
    context = new_context(browser, locale="ja-JP", viewport=viewport)
    page = context.new_page()
    page.goto(live_app + "/admin/login/?next=/admin/completeness/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/completeness/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_on_a_phone_the_key_columns_are_on_screen(live_app, browser):
    """The indicators' table turns into one card per indicator: its achievement rate and
    status are on screen, not off to the right."""
    context = new_context(browser, locale="ja-JP", viewport=WIDTHS["phone"])
    page = context.new_page()
    page.goto(live_app + "/")
    page.wait_for_load_state("load")
    for column in ("達成率", "状況"):
        cell = page.locator(f'table.indicators td[data-label="{column}"]').first
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, column
        assert cell.is_visible()
    context.close()


# The pages whose charts are drawn by script. The report's charts are SVG from the server,
# drawn without it (tests/test_council_report.py).
CHART_PAGES = ["/", "/pillars/3/", "/indicators/KPI-3-1/", "/wards/中央区/"]


def test_without_javascript_a_charts_place_shows_its_table(live_app, browser):
    context = new_context(browser, java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    for path in CHART_PAGES:
        page.goto(live_app + path)
        tables = page.locator("figure.chart table.chart-table")
        assert tables.count() > 0, path
        for n in range(tables.count()):
            assert tables.nth(n).is_visible(), path
        areas = page.locator("figure.chart .chart-area")
        for n in range(areas.count()):
            assert not areas.nth(n).is_visible(), f"a blank chart area on {path}"
    page.goto(live_app + "/indicators/KPI-3-1/")
    assert page.locator("table.area-values").is_visible()
    page.goto(live_app + "/reports/2016/")
    assert page.locator("svg[role=img]").first.is_visible()
    context.close()
    assert_no_csp_violation(context)


def test_with_javascript_the_chart_takes_its_place_and_the_table_folds(live_app, page):
    page.goto(live_app + "/pillars/3/")
    page.wait_for_load_state("load")
    figure = page.locator("figure.chart").first
    assert figure.locator(".chart-area").is_visible()
    assert not figure.locator("table.chart-table").is_visible()
    figure.locator("details.chart-data summary").click()
    assert figure.locator("table.chart-table").is_visible()


def test_the_ward_chart_keeps_the_wards_on_their_own_scale(live_app, page):
    page.goto(live_app + "/indicators/KPI-3-1/")
    page.wait_for_load_state("load")
    scales = page.evaluate(
        """() => {
             const chart = window.Chart.getChart(
               document.querySelector('canvas[data-chart=chart-areas]'));
             return {
               wards: [chart.scales.y.min, chart.scales.y.max],
               city: [chart.scales.city.min, chart.scales.city.max],
               axes: chart.data.datasets.map(d => d.yAxisID),
             };
           }"""
    )
    low, high = scales["wards"]
    assert high < 30_000 and high - low < 10_000  # the wards' own range: their lines apart
    assert scales["city"][0] > 100_000
    assert scales["axes"] == ["city", "y", "y", "y", "y", "y"]
