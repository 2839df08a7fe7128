"""The search page in a real browser at phone width (390 px): no serious axe violation, no
sideways scrolling, and the header's search box works from the keyboard alone."""

import pytest

from tests.browser.conftest import assert_no_csp_violation, new_context
from tests.browser.test_pages_in_chromium import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser):
    context = new_context(browser, locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.wait_for_timeout(100)
    context.close()
    assert errors == []
    assert_no_csp_violation(context)


@pytest.mark.parametrize("query", ["", "認知症サポーター", "の", "あ" * 101])
def test_the_search_page_passes_axe_and_fits_a_phone(live_app, phone_page, query):
    response = phone_page.goto(f"{live_app}/search/?q={query}")
    assert response.status == (400 if len(query) > 100 else 200)
    phone_page.wait_for_load_state("load")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(phone_page) == []


def test_the_header_search_box_works_from_the_keyboard(live_app, phone_page):
    phone_page.goto(live_app + "/")
    box = phone_page.get_by_role("search").get_by_label("検索", exact=True)
    for _ in range(40):  # Tab through the header until the box has the focus
        phone_page.keyboard.press("Tab")
        if phone_page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert phone_page.evaluate("document.activeElement.id") == "site-search-q"
    phone_page.keyboard.type("認知症サポーター")
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url("**/search/?q=*")
    assert box.input_value() == "認知症サポーター"
    mark = phone_page.locator("#results-plan ~ ul mark").first
    assert mark.inner_text() == "認知症サポーター"
