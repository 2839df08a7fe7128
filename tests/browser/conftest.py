"""Browser tests: the real app served by its own process on its own throwaway database
(migrated, the plan and the sample data loaded), driven by Playwright in Debian's Chromium
(never a downloaded browser). Run by `make test` where Chromium and the chart asset are
installed (CI installs both); see the Makefile."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    """Run a management command against the browser tests' app; its standard output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The app under test before it is served: its environment (`env`, for `manage`) with
    its own SQLite database in `folder`, migrated, with the plan, the sample data and a
    planner."""
    folder = tmp_path_factory.mktemp("browser-app")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DEBUG="true",
        STAFF_PASSWORD=PASSWORD,
        API_ANON_RATE="100000/minute",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_plan")
    manage(env, "load_demo_data", "--force")
    manage(env, "create_staff", "planner", "--role", "planner")
    return SimpleNamespace(env=env, folder=folder)


@pytest.fixture(scope="session")
def live_app(live_site):
    """Base URL of the app, running on 127.0.0.1 with the plan and sample data."""
    env, folder = live_site.env, live_site.folder
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError((folder / "server.log").read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="package")
def browser():
    # Package scope: Playwright's sync API runs an event loop in this thread while it lives,
    # and Django refuses database calls such as closing a connection beside a running loop
    # (SynchronousOnlyOperation). It ends with the browser tests, not with the session.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Runs in every document before the page's own scripts (Playwright injects it outside the
# page's Content-Security-Policy) and hands each violation to the test.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
    + (event.sample ? `: ${event.sample}` : "")
  );
});
"""


class CspWatch:
    """Every Content-Security-Policy violation in a browser context: the documents'
    `securitypolicyviolation` events and the console's "Refused to …" messages."""

    def __init__(self, context):
        self.violations: list[str] = []
        self._ignoring = False
        context.expose_function("reportCspViolation", self._report)
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        context.on("console", self._console)

    def _report(self, violation: str) -> None:
        if not self._ignoring:
            self.violations.append(violation)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text and not self._ignoring:
            self.violations.append(f"console: {message.text}")

    @contextmanager
    def ignoring(self, page):
        """While the test itself injects code (axe-core adds styles of its own), the page's
        violations are not the app's."""
        page.wait_for_timeout(100)  # the app's own, reported before
        self._ignoring = True
        try:
            yield
        finally:
            page.wait_for_timeout(100)
            self._ignoring = False


def new_context(browser, **options):
    """A browser context that records CSP violations (as `context.csp`)."""
    context = browser.new_context(**options)
    context.csp = CspWatch(context)
    return context


def assert_no_csp_violation(context) -> None:
    assert context.csp.violations == [], "Content-Security-Policy violations:\n" + "\n".join(
        context.csp.violations
    )


@pytest.fixture
def page(browser):
    """A page in Japanese at desktop size. The test fails on any JavaScript error and on any
    Content-Security-Policy violation on any page it visited."""
    context = new_context(browser, locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.wait_for_timeout(100)  # violation events are reported asynchronously
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert_no_csp_violation(context)


def screenshot(page, name: str) -> None:
    """A full-page screenshot at desktop and at phone width (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
