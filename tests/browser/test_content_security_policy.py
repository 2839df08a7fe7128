"""Every page works under the Content-Security-Policy (no inline script or style, no eval):
the `page` fixture fails a test on any violation on any page it visited, and on any
JavaScript error. These tests visit what the page tests do not: every admin page reached
from the admin index (list, add, change, history and a version, import, template, export),
an import's progress page while its script follows the job, Swagger UI, and the stored
printable report, which has a policy of its own."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PASSWORD, manage

pytestmark = pytest.mark.browser


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def hrefs(page, selector: str) -> list[str]:
    """The same-site paths the matching links point to, in page order."""
    found = page.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    return [urlsplit(url).path for url in found if url.startswith(page.url.split("/admin/")[0])]


def visit(page, base: str, path: str) -> None:
    response = page.goto(base + path)
    assert response.status == 200, path
    page.wait_for_load_state("load")


def crawl_admin(page, base: str) -> list[str]:
    """Visit each model's list and add page linked from the admin index, the list's other
    tools (import, template, export), its first record's change page and that record's
    history; the paths visited."""
    visit(page, base, "/admin/")
    lists = dict.fromkeys(hrefs(page, "#content-main tr[class^=model-] th a"))
    adds = dict.fromkeys(hrefs(page, "#content-main tr[class^=model-] a.addlink"))
    visited = ["/admin/"]
    for path in lists:
        visit(page, base, path)
        visited.append(path)
        tools = hrefs(page, ".object-tools a:not(.addlink), nav .object-tools a")
        records = hrefs(page, "#result_list tbody tr th a, #result_list tbody tr td a")[:1]
        for tool in dict.fromkeys(tools):
            visit(page, base, tool)
            visited.append(tool)
        for record in records:
            visit(page, base, record)
            visited.append(record)
            for history in hrefs(page, "a.historylink")[:1]:
                visit(page, base, history)
                visited.append(history)
                for version in hrefs(page, "#change-history tbody a")[:1]:
                    visit(page, base, version)
                    visited.append(version)
    for path in adds:
        visit(page, base, path)
        visited.append(path)
    return visited


@pytest.fixture(scope="session")
def administrator(live_site):
    manage(live_site.env, "create_staff", "kanri", "--role", "admin")
    return "kanri"


def test_every_admin_page_works(live_app, administrator, page):
    """As an administrator, who reaches every model (a planner reaches fewer, through the
    same templates)."""
    log_in(page, live_app, administrator)
    visited = crawl_admin(page, live_app)
    # Django's own pages and the pages this project adds or changes are among them.
    assert "/admin/auth/user/add/" in visited
    for path in (
        "/admin/indicators/indicatorvalue/",
        "/admin/indicators/indicatorvalue/add/",
        "/admin/indicators/indicatorvalue/import/",
        "/admin/indicators/indicatorvalue/export/",
        "/admin/programs/initiativeprogress/import/template/",
    ):
        assert path in visited
    assert any(re.fullmatch(r"/admin/indicators/indicatorvalue/\d+/change/", p) for p in visited)
    assert any(re.fullmatch(r"/admin/indicators/indicatorvalue/\d+/history/", p) for p in visited)
    assert any(re.fullmatch(r"/admin/community/\w+/import/", p) for p in visited)
    assert any(
        re.fullmatch(r"/admin/indicators/indicatorvalue/\d+/history/\d+/", p) for p in visited
    )


def test_admin_widgets_work(live_app, page):
    """The admin's own scripts (calendar, related-object pop-up, actions) under the policy."""
    log_in(page, live_app, "planner")
    visit(page, live_app, "/admin/indicators/indicatorvalue/")
    page.check("#result_list tbody input.action-select >> nth=0")
    assert re.search(r"中1個|1 of", page.locator(".actions .action-counter").inner_text())
    visit(page, live_app, "/admin/indicators/reportinground/add/")
    shortcut = page.locator(".datetimeshortcuts a").first
    if shortcut.count():
        shortcut.click()  # "today"
        assert page.locator("input.vDateField").first.input_value()


def test_import_preview_and_progress_page(live_app, live_site, page):
    log_in(page, live_app, "planner")
    # A small upload is previewed at once.
    upload = live_site.folder / "values.csv"
    upload.write_text(
        "指標コード,区,年度,種別,値,備考\nKPI-3-1,中央区,2020,実績,23000,\n", encoding="utf-8"
    )
    visit(page, live_app, "/admin/indicators/indicatorvalue/import/")
    page.set_input_files("input[type=file]", str(upload))
    page.click("form[enctype] input[type=submit]")
    page.wait_for_load_state("load")
    assert "KPI-3-1" in page.locator("main, #content").first.inner_text()
    # A large one runs as a job; its page follows the job's progress with a script.
    job = manage(
        live_site.env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "from infrastructure.jobs.models import Job; "
        "print(Job.objects.create(kind='import', user=get_user_model().objects.get("
        "username='planner'), status='running', done=40, total=100, params={"
        "'sheet': 'indicator_value', 'token': 'none', 'filename': 'values.xlsx', "
        "'dry_run': True}).pk)",
    ).split()[-1]  # (the shell may first say what it imported)
    with page.expect_response(re.compile(rf"/api/v1/jobs/{job}/")) as polled:
        visit(page, live_app, f"/admin/indicators/indicatorvalue/import/job/{job}/")
    assert polled.value.status == 200
    assert page.locator("progress#import-progress").get_attribute("value") == "40"


def test_swagger_ui_works(live_app, page):
    with page.expect_response(re.compile(r"/api/docs/\?.*script")) as script:
        visit(page, live_app, "/api/docs/")
    assert script.value.status == 200
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert "熊本市地域福祉計画 API" in page.locator(".swagger-ui .info .title").inner_text()
    # The operations open and show their parameters.
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")


def test_stored_printable_report_keeps_its_inline_stylesheet(live_app, live_site, page):
    manage(
        live_site.env,
        "shell",
        "-c",
        "from portal.annual_reports import annual_report_generate; "
        "annual_report_generate(fiscal_year=2017)",
    )
    response = page.goto(live_app + "/api/v1/reports/2017/html/")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "style-src 'sha256-" in policy and "sandbox" in policy
    # The stylesheet applied: table cells have their borders.
    border = page.locator("td").first.evaluate("cell => getComputedStyle(cell).borderTopStyle")
    assert border == "solid"
