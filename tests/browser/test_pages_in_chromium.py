"""The planners' pages in a real browser: they render with their charts, the fiscal-year
selector and the language switch work, and axe-core finds no serious or critical WCAG 2 A/AA
violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PASSWORD, assert_no_csp_violation, new_context, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "home": ("/", ["chart-pillars"]),
    "pillar": ("/pillars/1/", ["chart-KPI-1-1"]),
    "indicator": ("/indicators/KPI-3-1/", ["chart-main", "chart-areas"]),
    "ward": ("/wards/中央区/", ["chart-ward"]),
    # The council report draws its charts as SVG on the server: no canvas to wait for.
    "report": ("/reports/2017/", []),
    "consult": ("/consult/?life_stage=old-age&ward=chuo", []),
    # The prefecture's view: the shipped plan's municipality's prefecture.
    "prefecture": ("/pref/43/", []),
}


def drawn_charts(page) -> list[str]:
    """The ids of the canvases Chart.js has drawn."""
    return page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')]
                 .filter(c => window.Chart && window.Chart.getChart(c))
                 .map(c => c.dataset.chart)"""
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_with_its_charts(live_app, page, name):
    path, charts = PAGES[name]
    response = page.goto(live_app + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    drawn = drawn_charts(page)
    for chart in charts:
        assert chart in drawn, f"{chart} not drawn on {path}: {drawn}"
    assert page.locator("html").get_attribute("lang") == "ja"
    # Every site page says it shows sample data; the council report is a document, never.
    banner = page.locator("text=サンプルデータを表示中")
    assert banner.is_visible() if name != "report" else banner.count() == 0
    screenshot(page, name)


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(live_app, page, name, width):
    """At a phone's width too: a table wider than the screen scrolls in a region a keyboard
    can reach (axe: scrollable-region-focusable)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_app + PAGES[name][0])
    page.wait_for_load_state("load")
    assert serious_violations(page) == []


def serious_violations(page) -> list:
    with page.context.csp.ignoring(page):
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
        )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The admin pages this project adds to Django's admin.
ADMIN_PAGES = [
    "/admin/",
    "/admin/completeness/",
    "/admin/indicators/indicatorvalue/",
    "/admin/indicators/indicatorvalue/add/",
    "/admin/indicators/indicatorvalue/import/",
    "/admin/indicators/indicatorvalue/import/template/",
    "/admin/programs/initiativeprogress/add/",
]


def test_the_progress_admin_pages_have_no_serious_accessibility_violation(live_app, page):
    page.goto(live_app + "/admin/login/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ADMIN_PAGES:
            assert page.goto(live_app + path).status == 200, path
            page.wait_for_load_state("load")
            assert serious_violations(page) == [], (width, path)


def test_fiscal_year_selector_changes_the_figures(live_app, page):
    page.goto(live_app + "/")
    heading = page.locator("#pillars-heading")
    page.select_option("#fiscal-year", "2015")
    page.click("form.fy-selector button")
    page.wait_for_url(re.compile(r"fiscal_year=2015"))
    assert "2015年度（平成27年度）" in heading.inner_text()
    first = page.locator("table.indicators tbody tr").first.inner_text()
    page.select_option("#fiscal-year", "2019")
    page.click("form.fy-selector button")
    page.wait_for_url(re.compile(r"fiscal_year=2019"))
    assert "2019年度（令和元年度）" in heading.inner_text()
    assert page.locator("table.indicators tbody tr").first.inner_text() != first


def test_language_switch(live_app, page):
    page.goto(live_app + "/pillars/2/")
    page.select_option("#language", "en")
    page.click("form.language-switch button")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Pillar 2")
    page.select_option("#language", "ja")
    page.click("form.language-switch button")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("施策2")


def test_pages_work_without_javascript(live_app, browser):
    context = new_context(browser, java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(live_app + "/indicators/KPI-3-1/")
    assert page.locator("table.chart-table tbody tr").count() > 5
    context.close()
    assert_no_csp_violation(context)


def test_staff_see_their_unapproved_records_marked(live_app, page):
    page.goto(live_app + "/admin/login/?next=/pillars/1/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/pillars/1/"))
    assert page.locator("h1").inner_text().startswith("施策1")


def test_keyboard_reaches_the_main_content(live_app, page):
    page.goto(live_app + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
