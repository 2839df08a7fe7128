"""The Content-Security-Policy header (django-csp; README, "Security headers"): on pages and
API responses, scripts and styles from this site's own files only, never inline or eval. The
browser tests (tests/browser/) prove the pages work under it; these tests pin the header, the
templates' freedom from inline code, and the stored report's own policy."""

import ast
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware

from infrastructure.content_security import CSPMiddleware, stored_document_policy
from portal.annual_reports import annual_report_generate

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'report-sample'"],
    "style-src": ["'self'", "'report-sample'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_site_policy(response) -> None:
    header = response.headers["Content-Security-Policy"]
    assert directives(header) == EXPECTED
    assert "unsafe" not in header  # neither 'unsafe-inline' nor 'unsafe-eval' nor 'unsafe-hashes'


@pytest.mark.parametrize("path", ["/", "/pillars/1/", "/consult/", "/admin/login/", "/api/docs/"])
def test_pages_carry_the_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_site_policy(response)


@pytest.mark.parametrize("path", ["/api/v1/indicators/", "/api/v1/indicators/KPI-1-1/"])
def test_api_responses_carry_the_policy(client, db, path):
    response = client.get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_site_policy(response)


@pytest.mark.parametrize("middleware_class", [CSPMiddleware, DjangoCSPMiddleware])
def test_a_nonce_appears_only_on_a_response_that_used_one(rf, db, middleware_class):
    from django.http import HttpResponse

    middleware = middleware_class(lambda request: HttpResponse())
    request = rf.get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    used = middleware.process_response(request, HttpResponse())
    assert f"'nonce-{nonce}'" in directives(used["Content-Security-Policy"])["script-src"]
    assert f"'nonce-{nonce}'" in directives(used["Content-Security-Policy"])["style-src"]
    unused = rf.get("/")
    middleware.process_request(unused)
    assert (
        "nonce-"
        not in middleware.process_response(unused, HttpResponse())["Content-Security-Policy"]
    )


def _policies(middleware_class, rf, response) -> dict[str, str | None]:
    request = rf.get("/api/v1/indicators/")
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    answered = middleware.process_response(request, response)
    return {
        name: answered.headers.get(name)
        for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    }


def test_the_policy_built_once_is_django_csps_own(rf, settings):
    from django.http import HttpResponse

    ours = _policies(CSPMiddleware, rf, HttpResponse())
    assert ours == _policies(DjangoCSPMiddleware, rf, HttpResponse())
    assert directives(ours["Content-Security-Policy"]) == EXPECTED
    # Changed settings are followed (CSP_REPORT_ONLY=true sets the other name).
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    del settings.CONTENT_SECURITY_POLICY
    trial = _policies(CSPMiddleware, rf, HttpResponse())
    assert trial == _policies(DjangoCSPMiddleware, rf, HttpResponse())
    assert trial["Content-Security-Policy"] is None
    assert directives(trial["Content-Security-Policy-Report-Only"]) == EXPECTED


def test_a_response_with_a_policy_of_its_own_keeps_it(rf):
    from django.http import HttpResponse

    document = b"<html><style>p{color:red}</style><p>x</p></html>"
    ours = _policies(CSPMiddleware, rf, stored_document_policy(HttpResponse(document), document))
    theirs = _policies(
        DjangoCSPMiddleware, rf, stored_document_policy(HttpResponse(document), document)
    )
    assert ours == theirs
    assert "sandbox" in ours["Content-Security-Policy"]


def test_swagger_ui_page_has_no_inline_script_or_style(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "<style" not in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts), scripts
    start_up = re.search(r'<script src="([^"]*\?[^"]*script[^"]*)"', page).group(1)
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()  # no image from swagger.io


# --- No inline code in what the site renders ---------------------------------------------------

# Standalone documents that keep their stylesheet inline, served under a policy of their own
# (infrastructure/content_security.py).
STANDALONE_DOCUMENTS = {"programs/report_document.html"}
INLINE_CODE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I),
    "<style> block": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


TEMPLATE_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)


def _templates():
    """Each template's text without its comments."""
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name not in STANDALONE_DOCUMENTS:
            yield name, TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))


def _python_html():
    """The string literals of the app's Python modules (the HTML that format_html, mark_safe
    or a response writes), without docstrings and comments."""
    for folder in (
        "kumamoto_welfare",
        "infrastructure",
        "community",
        "programs",
        "indicators",
        "evaluations",
        "portal",
    ):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or path.name == "content_security.py":
                continue  # (content_security.py reads <style> blocks, writes none)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
            literals = [
                node.value if isinstance(node.value, str) else node.value.decode("latin-1")
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str | bytes)
                and id(node) not in docstrings
            ]
            yield path.relative_to(ROOT).as_posix(), "\n".join(literals)


# simple-history's markup, which HistoryAdmin rewrites into a class.
KNOWN = {"infrastructure/admin_mixins.py": '<p class="paginator" style="border-top: 0">'}


@pytest.mark.parametrize("kind", INLINE_CODE)
def test_no_template_or_python_writes_inline_code(kind):
    pattern = INLINE_CODE[kind]
    found = [
        name
        for name, text in [*_templates(), *_python_html()]
        if pattern.search(text.replace(KNOWN.get(name, "\0"), ""))
    ]
    assert found == [], f"{kind} in {found}: move it to static/ (README, Security headers)"


# --- The stored printable report -----------------------------------------------------------------


@pytest.fixture
def stored_report(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return annual_report_generate(fiscal_year=2013)


def test_the_stored_report_is_served_under_its_own_policy(client, stored_report):
    response = client.get("/api/v1/reports/2013/html/")
    assert response.status_code == 200
    page = b"".join(response.streaming_content)
    (style,) = re.findall(rb"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "style-src": [f"'sha256-{digest}'"],
        "img-src": ["'self'", "data:"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
        "sandbox": [],
    }
    assert b"<script" not in page


def test_the_report_workbook_keeps_the_site_policy(client, stored_report):
    response = client.get("/api/v1/reports/2013/xlsx/")
    assert response.status_code == 200
    assert_site_policy(response)


# --- Settings from the environment ----------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings
def policy(name):
    value = getattr(settings, name, None)
    return value and {k: [str(s) for s in v] for k, v in value["DIRECTIVES"].items()}
print(json.dumps({
    "enforced": policy("CONTENT_SECURITY_POLICY"),
    "report_only": policy("CONTENT_SECURITY_POLICY_REPORT_ONLY"),
}))
"""


def csp_settings(**environment) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSP_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="kumamoto_welfare.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_policy_is_enforced_by_default_and_can_report_elsewhere():
    default = csp_settings()
    assert default["report_only"] is None
    assert "report-uri" not in default["enforced"]
    reporting = csp_settings(CSP_REPORT_URI="https://csp.example.jp/report")
    assert reporting["enforced"]["report-uri"] == ["https://csp.example.jp/report"]


def test_report_only_sends_the_same_policy_without_enforcing_it():
    trial = csp_settings(CSP_REPORT_ONLY="true")
    assert trial["enforced"] is None
    assert trial["report_only"] == csp_settings()["enforced"]
