"""The consultation finders (/consult/, /yasashii/consult/) and the やさしい日本語 pages in
Chromium at phone width (390) and on a laptop (1366): no serious axe violation, no sideways
scroll, every control and phone link at least 44 × 44 CSS px; choosing a life stage shows its
places at once (the static script), and without JavaScript the 探す button sends the form."""

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import PASSWORD, assert_no_csp_violation, new_context
from tests.browser.test_pages_in_chromium import serious_violations

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
PAGES = [
    "/consult/",
    "/consult/?life_stage=old-age&ward=chuo",
    "/yasashii/",
    "/yasashii/consult/",
    "/yasashii/consult/?life_stage=early-childhood&ward=chuo",
    "/yasashii/indicators/",
]
FINDERS = ["/consult/", "/yasashii/consult/"]
# The controls one taps: the form's fields and button, the radio choices' labels, the phone
# links and the language switch.
TAPPED = (
    ".consult-form select, .consult-form button, .consult-form .choices label, a.tel,"
    " .language-switch select, .language-switch button, .yasashii-link"
)


def _post(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def place_with_phone(live_app):
    """A consultation place in 中央区 with a phone number and hours, for the tel: links."""
    token = _post(live_app + "/api/v1/auth/token/", {"username": "planner", "password": PASSWORD})[
        "token"
    ]
    return _post(
        live_app + "/api/v1/community-resources/",
        {
            "name": "中央区子育て相談テスト窓口",
            "organisation_type": "community-parenting-support-centre",
            "ward": "中央区",
            "consultation": True,
            "life_stages": ["early-childhood"],
            "phone": "096-328-2111",
            "hours": "月〜金 8:30〜17:15",
        },
        token,
    )


def too_small(page) -> list:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
             .map(e => [e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.trim(),
                        e.getBoundingClientRect()])
             .filter(([, box]) => box.width < 44 || box.height < 44)
             .map(([name, box]) => [name, Math.round(box.width), Math.round(box.height)])""",
        TAPPED,
    )


@pytest.mark.parametrize("size", WIDTHS)
def test_the_pages_are_accessible_fit_the_screen_and_have_large_targets(
    live_app, browser, size, place_with_phone
):
    viewport = WIDTHS[size]
    context = new_context(browser, locale="ja-JP", viewport=viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in PAGES:
        assert page.goto(live_app + path).status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
        assert serious_violations(page) == [], path
        assert too_small(page) == [], path
    page.goto(live_app + "/yasashii/consult/?ward=chuo")
    assert page.locator("a.tel[href='tel:096-328-2111']").count() == 1
    assert page.locator("a.tel").first.bounding_box()["height"] >= 44
    context.close()
    assert errors == []
    assert_no_csp_violation(context)


@pytest.mark.parametrize("path", FINDERS)
def test_choosing_a_life_stage_shows_its_places_at_once(live_app, page, path):
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(live_app + path)
    everyone = page.locator(".consult-results > li").count()
    assert everyone > 0  # every stage before anything is chosen
    if path == "/consult/":
        page.select_option("#life_stage", "old-age")
    else:
        page.check("input[name=life_stage][value=old-age]")
    page.wait_for_url(re.compile(r"life_stage=old-age"))
    page.wait_for_load_state("load")
    shown = page.locator(".consult-results h3").all_inner_texts()
    assert "熊本市地域包括支援センター" in shown and "熊本市児童相談所" not in shown
    assert 0 < len(shown) < everyone


@pytest.mark.parametrize("path", FINDERS)
def test_without_javascript_the_button_sends_the_form(live_app, browser, path):
    context = new_context(
        browser, java_script_enabled=False, locale="ja-JP", viewport=WIDTHS["phone"]
    )
    page = context.new_page()
    page.goto(live_app + path)
    assert page.locator(".consult-results > li").count() > 0
    if path == "/consult/":
        page.select_option("#life_stage", "early-childhood")
    else:
        page.locator("input[name=life_stage][value=early-childhood]").check()
    assert "life_stage" not in page.url  # nothing sent until the button
    page.locator(".consult-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"life_stage=early-childhood"))
    assert "熊本市児童相談所" in page.locator(".consult-results h3").all_inner_texts()
    context.close()
