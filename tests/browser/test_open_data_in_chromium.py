"""The open-data catalogue in a real browser, at phone width (390) and on a laptop (1366): it
never scrolls sideways and axe-core finds no serious or critical WCAG 2 A/AA violation."""

import pytest

from tests.browser.conftest import assert_no_csp_violation, new_context
from tests.browser.test_layout_in_chromium import WIDTHS, too_wide
from tests.browser.test_pages_in_chromium import serious_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", WIDTHS)
def test_the_open_data_catalogue_fits_and_passes_axe(live_app, browser, size):
    viewport = WIDTHS[size]
    context = new_context(browser, locale="ja-JP", viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert page.goto(live_app + "/opendata/").status == 200
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "オープンデータ"
    assert page.locator("section.open-data-set").count() >= 9
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], too_wide(
        page, viewport["width"]
    )
    assert serious_violations(page) == []
    # The header links to the catalogue from every page.
    page.goto(live_app + "/")
    assert page.locator("header a[href='/opendata/']").count() == 1
    context.close()
    assert errors == []
    assert_no_csp_violation(context)
