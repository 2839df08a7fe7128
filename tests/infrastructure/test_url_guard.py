"""A NUL, an unpaired surrogate or an overlong encoding anywhere in a path or a query is a
400 or a 404, never a 500, on SQLite and PostgreSQL alike.

Reproduces issue 18, item 8: on PostgreSQL ``/indicators/%00/``, ``/wards/%00/``,
``/consult/?ward=%00`` and ``?plan=%00`` on the pages and the API were 500s (a NUL reaches
the database, which refuses it). Every URL pattern of the project is walked: each path
parameter in turn gets the hostile text, and each pattern without parameters gets it in each
query parameter the pages, the API and the admin read. Signed in as a planner, so the admin's
views run too (anonymous, they would only redirect to the login).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import translation
from django.utils.translation import gettext

from infrastructure.url_guard import unsafe_part

pytestmark = pytest.mark.django_db

HOSTILE = ["a%00b", "%ED%A0%80", "%C0%80"]
QUERY_PARAMETERS = [
    "plan",
    "ward",
    "year",
    "fiscal_year",
    "fiscal_year_from",
    "fiscal_year_to",
    "q",
    "page",
    "page_size",
    "format",
    "stage",
    "status",
    "kind",
    "indicator",
    "pillar",
    "section",
    "initiative",
    "city_wide",
    "life_stage",
    "ordering",
    "o",
    "next",
]
MARK = "\x01"


def _sample(pattern: str) -> str:
    """A path matching ``pattern`` (a route or a regex), each parameter written as MARK."""
    if not pattern.startswith("^"):
        return re.sub(r"<[^>]+>", MARK, pattern)
    text = pattern.strip("^").removesuffix("$").removesuffix(r"\Z")
    text = text.replace(r"[\s\S]*", MARK)
    out, depth, i = [], 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            if depth == 0:
                out.append(text[i + 1])
            i += 2
            continue
        if char == "[":  # a character class: skip to its end
            end = text.index("]", i + 2)
            if depth == 0:
                out.append(MARK)
            i = end + 1
            continue
        if char == "(":
            depth += 1
            if depth == 1:
                out.append(MARK)
        elif char == ")":
            depth -= 1
        elif depth == 0 and char not in "?*+":
            out.append(char)
        i += 1
    return re.sub(f"{MARK}+", MARK, "".join(out))


def _patterns(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = prefix + _sample(str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns, here)
        else:
            found.append("/" + here)
    return sorted(set(found))


PATTERNS = _patterns()
WITH_PARAMETERS = [p for p in PATTERNS if MARK in p]
WITHOUT_PARAMETERS = [p for p in PATTERNS if MARK not in p]


def test_the_walk_finds_the_project_s_patterns():
    assert "/indicators/\x01/" in WITH_PARAMETERS
    assert "/wards/\x01/" in WITH_PARAMETERS
    assert "/api/v1/indicators/\x01/series/" in WITH_PARAMETERS
    assert "/consult/" in WITHOUT_PARAMETERS
    assert len(WITH_PARAMETERS) > 100 and len(WITHOUT_PARAMETERS) > 50


@pytest.fixture
def signed_in(client, planner):
    client.force_login(planner)
    return client


def _refused(response) -> bool:
    return response.status_code in (400, 404)


def _paths_with(pattern: str, text: str):
    """``pattern`` with ``text`` in each of its parameters in turn (``1`` in the others)."""
    parts = pattern.split(MARK)
    for index in range(len(parts) - 1):
        yield "".join(
            part + ("" if i == len(parts) - 1 else (text if i == index else "1"))
            for i, part in enumerate(parts)
        )


# One test per kind of place rather than one per pattern: a test's own set-up (a planner,
# signed in) costs more than the hundreds of requests it makes. Every answer is collected,
# so a failure lists every URL that fails.


def test_hostile_text_in_any_path_parameter_is_a_400_or_404(signed_in):
    wrong = []
    for pattern in WITH_PARAMETERS:
        for text in HOSTILE:
            for path in _paths_with(pattern, text):
                response = signed_in.get(path)
                if not _refused(response):
                    wrong.append((path, response.status_code))
    assert not wrong


def test_hostile_text_in_any_query_parameter_is_a_400_or_404(signed_in):
    """Each parameter alone on the pages and the API; on the admin's pages (a hundred of
    them, reading the same few parameters) all at once."""
    wrong = []
    for pattern in WITHOUT_PARAMETERS:
        for text in HOSTILE:
            if pattern.startswith("/admin/"):
                queries = ["&".join(f"{name}={text}" for name in QUERY_PARAMETERS)]
            else:
                queries = [f"{name}={text}" for name in QUERY_PARAMETERS]
            queries += [f"{text}=1"]
            for query in queries:
                response = signed_in.get(f"{pattern}?{query}")
                if not _refused(response):
                    wrong.append((pattern, query, response.status_code))
    assert not wrong


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/%00/",
        "/wards/%00/",
        "/consult/?ward=%00",
        "/?plan=%00",
        "/api/v1/indicators/?plan=%00",
    ],
)
def test_the_issue_s_examples_are_400s_for_the_public(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "invalid"
        assert "NUL" in response.json()["error"]["message"]


def test_unsafe_part_names_the_parameter(rf):
    assert unsafe_part(rf.get("/consult/", {"ward": "中央\x00"})) == "ward"
    assert unsafe_part(rf.get("/wards/%00/")) == "path"
    assert unsafe_part(rf.get("/consult/?ward=%C0%80")) == "ward"
    assert unsafe_part(rf.get("/wards/%ED%A0%80/")) == "path"
    assert unsafe_part(rf.get("/wards/中央区/", {"ward": "中央区", "q": "a+b"})) is None


def test_the_api_s_refusal_follows_accept_language(client):
    response = client.get("/api/v1/indicators/?plan=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    with translation.override("en"):
        english = gettext("URL（%(part)s）に使えない文字（NUL など）が含まれています。")
    assert response.json()["error"]["message"] == english % {"part": "plan"}
    japanese = client.get("/api/v1/indicators/?plan=%00", HTTP_ACCEPT_LANGUAGE="ja")
    assert "使えない文字" in japanese.json()["error"]["message"]


def test_every_api_operation_documents_the_guards_400(client):
    """The guard answers 400 on any operation, so the schema says so on every one
    (schemathesis found `DELETE /api/v1/auth/token/` without it: ST103)."""
    schema = client.get("/api/schema/?format=json").json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "400" not in operation["responses"]
    ]
    assert not undocumented
    response = client.delete("/api/v1/auth/token/?x=%00")
    assert response.status_code == 400
