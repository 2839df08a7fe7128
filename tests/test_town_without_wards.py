"""A town without wards (tests/fixtures/plans/hinata-town/: ひなた町, code 993018, no areas,
one pillar, two indicators, one of them in money, and its own やさしい日本語 text), on a
database that holds no other plan: its department officer enters and submits the town's
figure and progress, a planner approves them, and they reach every public door: the pages,
the council report (HTML, PDF, xlsx), the API and the open data, with no word of 区.

Each test empties the session's database of the shipped plan first (inside the test's
transaction, rolled back after it), as tests/test_second_city.py does for 架空市."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from community.access import Role
from community.areas import area_word, has_areas
from community.models import Department, Municipality, Ward
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue
from infrastructure.plan_folder import PlanDataError
from portal.plan_loading import plan_document_read
from portal.report_documents import report_pdf
from portal.reports import evaluation_context
from programs.models import Initiative, InitiativeProgress, Plan
from tests.api.conftest import client_for
from tests.conftest import PASSWORD
from tests.test_second_city import empty_the_database

pytestmark = pytest.mark.django_db

HINATA = Path(__file__).parent / "fixtures" / "plans" / "hinata-town"
YEAR = 2026
OTHER_NAMES = ("熊本", "Kumamoto", "架空市", "431001")
# 区 as a word of its own: not 校区 (school district), 区分 (category) or 区切 (delimiter).
WARD_WORD = re.compile(r"(?<!校)区(?!分|切)")


@pytest.fixture
def hinata_town(db):
    empty_the_database()
    call_command("load_plan", str(HINATA), verbosity=0)
    return Plan.objects.get()


@pytest.fixture
def welfare_section(hinata_town):
    """The town's 福祉課, responsible for section 1-1, its initiative and its indicators (what
    a planner sets in the admin: the plan folder names no department)."""
    department = Department.objects.create(municipality=hinata_town.municipality, name="福祉課")
    hinata_town.pillars.get().sections.update(department=department)
    Initiative.objects.filter(pillar__plan=hinata_town).update(department=department)
    Indicator.objects.filter(pillar__plan=hinata_town).update(department=department)
    return department


@pytest.fixture
def town_officer(welfare_section):
    return staff_create(
        username="hinata_officer",
        role=Role.DEPARTMENT_OFFICER,
        password=PASSWORD,
        department=welfare_section,
    )


@pytest.fixture
def town_planner(hinata_town):
    return staff_create(username="hinata_planner", role=Role.PLANNER, password=PASSWORD)


def _flow(officer, planner, url: str, body: dict) -> dict:
    """Enter as the officer, submit, and approve as the planner; the approved record."""
    created = officer.post(url, body, format="json")
    assert created.status_code == 201, created.content
    record = created.json()["id"]
    submitted = officer.post(
        f"{url}{record}/submit/", {}, HTTP_IF_MATCH=created["ETag"], format="json"
    )
    assert submitted.status_code == 200, submitted.content
    refused = officer.post(
        f"{url}{record}/approve/", {}, HTTP_IF_MATCH=submitted["ETag"], format="json"
    )
    assert refused.status_code == 403  # nobody approves what they entered
    approved = planner.post(
        f"{url}{record}/approve/", {}, HTTP_IF_MATCH=submitted["ETag"], format="json"
    )
    assert approved.status_code == 200, approved.content
    return approved.json()


def test_the_town_has_no_areas_and_its_word_is_never_shown(hinata_town):
    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name) == ("993018", "ひなた町")
    assert not Ward.objects.exists() and not has_areas()
    assert area_word() == "区"  # the default word, which no screen shows without areas
    assert client_for().get("/api/v1/municipality/").json()["wards"] == []
    call_command("load_plan", str(HINATA), "--check", verbosity=0)


def test_a_department_officers_figure_and_progress_reach_every_public_door(
    hinata_town, town_officer, town_planner, tasks_run_at_once
):
    officer, planner = client_for(town_officer), client_for(town_planner)
    value = _flow(
        officer,
        planner,
        "/api/v1/indicator-values/",
        {"indicator": "HT-1-2", "fiscal_year": "令和8年度", "kind": "actual", "value": "2345"},
    )
    assert value["ward"] is None and value["status"] == "approved"
    progress = _flow(
        officer,
        planner,
        "/api/v1/initiative-progress/",
        {
            "initiative": "1-1-1",
            "fiscal_year": YEAR,
            "state": "in_progress",
            "results": "8集落のうち5集落で見守り講座を開いた。",
        },
    )
    assert progress["ward"] is None and progress["status"] == "approved"
    stored = IndicatorValue.objects.get(pk=value["id"])
    assert stored.value == 2345 and stored.ward_id is None
    assert InitiativeProgress.objects.get(pk=progress["id"]).ward_id is None

    # The API, for anyone: the figure, in money, and its progress toward the target.
    anon = client_for()
    series = anon.get("/api/v1/indicators/HT-1-2/series/").json()
    assert [(p["kind"], p["fiscal_year"], p["value"]) for p in series["points"]] == [
        ("baseline", 2024, "1200"),
        ("actual", YEAR, "2345"),
        ("target", 2030, "3000"),
    ]
    indicator = anon.get("/api/v1/indicators/HT-1-2/").json()
    assert indicator["unit_kind"] == "money"
    listed = anon.get("/api/v1/initiative-progress/", {"fiscal_year": YEAR}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [progress["id"]]

    # The pages: the figure and the town-wide progress, and no 区 anywhere.
    pages = Client()
    for path, expected in (
        ("/", "ひなた町地域福祉計画（試験用）"),
        ("/pillars/1/", '<td data-label="市全体">実施中</td>'),
        ("/indicators/HT-1-2/", "2,345"),
        ("/yasashii/", "ひなた<ruby>町<rt>ちょう</rt></ruby>は"),
        ("/consult/", "ひなた町"),
        (f"/reports/{YEAR}/", "8集落のうち5集落で見守り講座を開いた。"),
    ):
        response = pages.get(path, {"fiscal_year": YEAR})
        assert response.status_code == 200, path
        text = response.content.decode()
        assert expected in text, path
        assert not any(name in text for name in OTHER_NAMES), path
        visible = re.sub(r"<[^>]+>", " ", text)
        assert not WARD_WORD.search(visible), (
            path,
            [visible[max(m.start() - 30, 0) : m.end() + 10] for m in WARD_WORD.finditer(visible)],
        )

    # The council report's xlsx and PDF carry the same progress.
    workbook = load_workbook(io.BytesIO(pages.get(f"/reports/{YEAR}.xlsx").content))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "実施中: 8集落のうち5集落で見守り講座を開いた。" in cells
    from django.contrib.auth.models import AnonymousUser

    pdf = report_pdf(evaluation_context(fiscal_year=YEAR, user=AnonymousUser()))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "見守り講座を開いた" in text.replace("\n", "")

    # The open data: the figure, town-wide (the area columns empty), and the progress.
    values = b"".join(anon.get("/opendata/indicator-values.csv").streaming_content).decode(
        "utf-8-sig"
    )
    found = [r for r in csv.DictReader(io.StringIO(values)) if r.get("指標コード") == "HT-1-2"]
    assert any("2345" in r.values() for r in found), found
    progress_csv = b"".join(anon.get("/opendata/initiative-progress.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "8集落のうち5集落で見守り講座を開いた。" in progress_csv


def test_the_completeness_view_counts_the_town_wide_records(
    hinata_town, town_officer, town_planner
):
    client_for(town_officer).post(
        "/api/v1/indicator-values/",
        {"indicator": "HT-1-1", "fiscal_year": YEAR, "kind": "actual", "value": "55"},
        format="json",
    )
    pages = Client()
    pages.force_login(town_planner)
    response = pages.get("/admin/completeness/", {"fiscal_year": YEAR})
    assert response.status_code == 200
    visible = re.sub(r"<[^>]+>", " ", response.content.decode())
    assert not WARD_WORD.search(visible), WARD_WORD.findall(visible)
    assert "市全体" in visible or "全体" in visible


def test_a_folder_declaring_areas_names_them_by_its_own_word(tmp_path):
    folder = tmp_path / "town"
    folder.mkdir()
    for file in HINATA.iterdir():
        (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    municipality = folder / "municipality.yaml"
    base = municipality.read_text(encoding="utf-8")
    areas = "areas:\n  - code: kita\n    name: 北地区\n    name_en: North District\n"

    municipality.write_text(base + areas, encoding="utf-8")
    with pytest.raises(PlanDataError, match="area_word"):
        plan_document_read(folder)

    municipality.write_text(
        base + "area_word: 地区\narea_word_en: District\n" + areas, encoding="utf-8"
    )
    data = plan_document_read(folder)
    assert (data.municipality.area_word, data.municipality.area_word_en) == ("地区", "district")
    assert [(w.code, w.municipality_code) for w in data.municipality.wards] == [("kita", "")]

    municipality.write_text(
        base + areas + "wards:\n  - code: x\n    municipality_code: '993018'\n", encoding="utf-8"
    )
    with pytest.raises(PlanDataError, match="not both"):
        plan_document_read(folder)
