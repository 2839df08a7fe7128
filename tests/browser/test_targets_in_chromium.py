"""A target revision in a real browser: the indicator page draws the original and the
revised target lines, lists both targets, and the targets admin is accessible."""

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.test_pages_in_chromium import serious_violations

pytestmark = pytest.mark.browser


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
def revised(live_app):
    token = _post(live_app + "/api/v1/auth/token/", {"username": "planner", "password": PASSWORD})[
        "token"
    ]
    return _post(
        live_app + "/api/v1/indicators/KPI-2-1/targets/",
        {"value": "50", "fiscal_year": 2022, "revised_in": 2017, "reason": "中間見直し"},
        token,
    )


def test_the_chart_draws_the_original_and_the_revised_target(live_app, page, revised):
    assert revised["in_force"] is True
    page.goto(live_app + "/indicators/KPI-2-1/?fiscal_year=2019")
    page.wait_for_load_state("load")
    labels = page.evaluate(
        """() => window.Chart.getChart(document.querySelector('canvas[data-chart=chart-main]'))
                 .data.datasets.map(d => d.label)"""
    )
    assert "目標値（当初）" in labels
    assert "目標値（2017年度（平成29年度）に見直し）" in labels
    rows = page.locator("table.targets tbody tr")
    assert rows.count() == 2
    assert "適用中" in page.locator("table.targets tr.in-force").inner_text()
    assert serious_violations(page) == []


def test_the_targets_admin_has_no_serious_accessibility_violation(live_app, page, revised):
    page.goto(live_app + "/admin/login/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    for path in ("/admin/indicators/target/", "/admin/indicators/target/add/"):
        assert page.goto(live_app + path).status == 200, path
        page.wait_for_load_state("load")
        assert serious_violations(page) == [], path
