"""Reading the API: what each reader sees, the shapes, formats and caching headers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from infrastructure.workflow import Status
from tests.factories import progress, value, ward

pytestmark = pytest.mark.django_db


def test_pillars_nest_the_whole_plan(anon):
    response = anon.get("/api/v1/pillars/")
    assert response.status_code == 200
    pillars = response.json()
    assert [p["number"] for p in pillars] == [1, 2, 3, 4]
    first = pillars[0]
    assert first["sections"][1]["title"] == "高齢者見守り体制の強化と地域資源の把握"
    assert first["sections"][0]["initiatives"][0]["code"] == "1-1-1"
    assert len(first["sections"][0]["initiatives"][0]["actions"]) == 9
    assert first["indicators"] == ["KPI-1-1"]
    second = pillars[1]
    assert second["sections"] == [] and len(second["challenges"]) == 5
    assert [i["code"] for i in second["initiatives"]] == ["2-1", "2-2", "2-3", "2-4"]
    section_4_1 = pillars[3]["sections"][0]
    assert section_4_1["initiatives"] == [] and len(section_4_1["actions"]) == 3
    assert section_4_1["indicators"] == ["KPI-4-1"]


def test_sections_initiatives_wards(anon):
    assert len(anon.get("/api/v1/sections/").json()) == 7
    initiative = anon.get("/api/v1/initiatives/1-3-4/").json()
    assert initiative["title"] == "就労支援" and initiative["section"] == "1-3"
    assert [w["name"] for w in anon.get("/api/v1/wards/").json()] == [
        "中央区",
        "東区",
        "西区",
        "南区",
        "北区",
    ]
    assert anon.get("/api/v1/school-districts/").json()["results"] == []


def test_indicator_detail_with_progress(anon):
    data = anon.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016").json()
    assert data["baseline"] == {
        "fiscal_year": 2008,
        "fiscal_year_label": "2008年度（平成20年度）",
        "value": "78.61",
    }
    assert data["latest_actual"]["value"] == "79.05"
    assert data["target"]["fiscal_year"] == 2017
    assert data["achievement_rate"] == "55.0"
    assert (data["status"], data["status_label"]) == ("on_track", "順調")
    assert data["rating"] == {"code": "B", "label": "概ね順調"}
    assert anon.get("/api/v1/indicators/KPI-9-9/").status_code == 404


def test_indicator_series_with_the_expected_line(anon):
    data = anon.get("/api/v1/indicators/KPI-1-1/series/").json()
    assert [(p["kind"], p["fiscal_year"], p["value"]) for p in data["points"]] == [
        ("baseline", 2008, "78.61"),
        ("actual", 2013, "79.05"),
        ("target", 2017, "79.41"),
    ]
    assert [p["fiscal_year"] for p in data["expected"]] == list(range(2008, 2018))
    assert data["expected"][0]["value"] == "78.61" and data["expected"][-1]["value"] == "79.41"


def test_ward_series_uses_the_wards_approved_actuals(anon):
    value(
        indicator="KPI-3-2",
        ward_code="chuo",
        fiscal_year=2016,
        amount="20.5",
        status=Status.APPROVED,
    )
    value(indicator="KPI-3-2", ward_code="chuo", fiscal_year=2017, amount="21")  # a draft
    data = anon.get("/api/v1/indicators/KPI-3-2/series/", {"ward": "中央区"}).json()
    assert [(p["kind"], p["fiscal_year"]) for p in data["points"]] == [
        ("baseline", 2013),
        ("actual", 2016),
        ("target", 2019),
    ]
    unknown = anon.get("/api/v1/indicators/KPI-3-1/series/", {"ward": "熊本区"})
    assert unknown.status_code == 400  # a parameter, not a path: never 404 (issue 20, item 8)
    assert unknown.json()["error"]["fields"]["ward"] == ["区「熊本区」はありません。"]


def test_a_wards_count_has_no_city_target(anon):
    value(
        indicator="KPI-3-1",
        ward_code="chuo",
        fiscal_year=2016,
        amount="20000",
        status=Status.APPROVED,
    )
    data = anon.get("/api/v1/indicators/KPI-3-1/series/", {"ward": "中央区"}).json()
    assert [(p["kind"], p["fiscal_year"]) for p in data["points"]] == [("actual", 2016)]
    assert data["progress"]["status"] == "no_data" and data["expected"] == []


def test_drafts_are_invisible_to_the_public_and_to_other_wards(anon, chuo, higashi, plan_client):
    draft = value(ward_code="chuo")
    approved = value(ward_code="chuo", fiscal_year=2014, status=Status.APPROVED)
    url = "/api/v1/indicator-values/"
    public_ids = {row["id"] for row in anon.get(url, {"page_size": 500}).json()["results"]}
    assert approved.pk in public_ids and draft.pk not in public_ids
    assert anon.get(f"{url}{draft.pk}/").status_code == 404
    assert higashi.get(f"{url}{draft.pk}/").status_code == 404
    assert chuo.get(f"{url}{draft.pk}/").status_code == 200
    assert plan_client.get(f"{url}{draft.pk}/").status_code == 200


def test_filters(anon):
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2016, status=Status.APPROVED)
    value(
        indicator="KPI-3-2", ward_code="kita", fiscal_year=2016, amount="20", status=Status.APPROVED
    )
    url = "/api/v1/indicator-values/"

    def codes(**params):
        return sorted(
            (r["indicator"], r["fiscal_year"], r["ward"])
            for r in anon.get(url, params).json()["results"]
        )

    assert codes(ward="中央区") == [("KPI-3-1", 2016, "中央区")]
    assert codes(fiscal_year="平成28年度") == codes(fiscal_year="2016")
    assert len(codes(fiscal_year="H28")) == 2
    assert codes(pillar=1, city_wide="true") == [
        ("KPI-1-1", 2008, None),
        ("KPI-1-1", 2013, None),
    ]
    assert codes(indicator="KPI-1-1", fiscal_year_from="H21", fiscal_year_to="H29") == [
        ("KPI-1-1", 2013, None),
    ]
    response = anon.get(url, {"fiscal_year": "いつか"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["fiscal_year"]


def test_dashboard_per_pillar_and_per_ward(anon, plan_client):
    value(indicator="KPI-3-1", ward_code="chuo", fiscal_year=2015, status=Status.APPROVED)
    value(indicator="KPI-3-2", ward_code="chuo", fiscal_year=2015, amount="20")  # draft
    public = anon.get("/api/v1/dashboard/", {"fiscal_year": "H27"}).json()
    assert public["fiscal_year_label"] == "2015年度（平成27年度）"
    pillar_1 = public["pillars"][0]
    assert pillar_1["by_status"]["on_track"] == 1 and pillar_1["mean_achievement_rate"] == "55.0"
    chuo_public = public["wards"][0]
    assert chuo_public["ward"] == "中央区"
    assert chuo_public["indicator_values"]["approved"] == 1
    # Seven indicators, of which KPI-4-1 and KPI-4-2 are computed, never owed by a ward.
    assert chuo_public["indicator_values"]["expected"] == 5
    assert chuo_public["indicator_values"]["missing"] == 4
    assert "draft" not in chuo_public["indicator_values"]
    staff = plan_client.get("/api/v1/dashboard/", {"fiscal_year": 2015}).json()
    assert staff["wards"][0]["indicator_values"]["draft"] == 1
    assert staff["wards"][0]["indicator_values"]["missing"] == 3
    # Without a fiscal year, the year the pages show first: the latest with approved data
    # in the plan's reach (issue 20, item 9).
    assert anon.get("/api/v1/dashboard/").json()["fiscal_year"] == 2015


def test_csv_opens_in_excel_bom_crlf(anon):
    response = anon.get("/api/v1/indicator-values/", {"format": "csv", "indicator": "KPI-1-1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [r["value"] for r in rows] == ["78.61", "79.05"]  # targets: indicators/…/targets/
    assert rows[0]["fiscal_year_label"] == "2008年度（平成20年度）"


def test_csv_and_xlsx_escape_formulas(plan_client):
    value(ward_code="chuo", note='=HYPERLINK("http://evil")', status=Status.APPROVED)
    csv_body = plan_client.get("/api/v1/indicator-values/", {"format": "csv", "ward": "中央区"})
    assert "'=HYPERLINK" in csv_body.content.decode("utf-8-sig")
    xlsx = plan_client.get("/api/v1/indicator-values/", {"format": "xlsx", "ward": "中央区"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("note")].startswith("'=")
    assert row[header.index("value")] == 115000  # numbers stay numbers


def test_xlsx_of_indicators(anon):
    response = anon.get("/api/v1/indicators/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    codes = [sheet.cell(row=r, column=header.index("code") + 1).value for r in range(2, 9)]
    assert codes[0] == "KPI-1-1" and len(codes) == 7
    assert "latest_actual.value" in header


def test_conditional_get_answers_304(anon, chuo):
    first = anon.get("/api/v1/indicators/KPI-1-1/")
    etag = first["ETag"]
    assert anon.get("/api/v1/indicators/KPI-1-1/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    record = value(ward_code="chuo")
    response = chuo.get(f"/api/v1/indicator-values/{record.pk}/")
    assert response["ETag"] == f'"{record.pk}-1"' and response["Last-Modified"]
    again = chuo.get(f"/api/v1/indicator-values/{record.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_english_by_accept_language(anon):
    data = anon.get("/api/v1/indicators/KPI-1-1/?fiscal_year=2016", HTTP_ACCEPT_LANGUAGE="en")
    data = data.json()
    assert data["status_label"] == "On track"
    assert data["baseline"]["fiscal_year_label"] == "FY2008 (Heisei 20)"


def test_schema_and_docs_are_served_without_a_cdn(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/indicators/{code}/series/" in schema.json()["paths"]
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_series_points_are_in_year_order(anon):
    value(indicator="KPI-3-2", fiscal_year=2020, amount="27.0", status=Status.APPROVED)
    data = anon.get("/api/v1/indicators/KPI-3-2/series/").json()
    assert [(p["kind"], p["fiscal_year"]) for p in data["points"]] == [
        ("baseline", 2013),
        ("target", 2019),
        ("actual", 2020),
    ]


def test_dashboard_counts_only_what_a_ward_reports_on(anon):
    """A ward reports on each initiative, or on a section that has none. A record left on a
    section that has initiatives (say, from before a revision gave it some) is owed by nobody
    and counts neither as approved nor against what is missing. The benchmark's floor once
    counted it, and `make bench` stopped on the mismatch (issue 19)."""
    from programs.models import InitiativeProgress, Section

    progress(initiative="1-2-1", ward_code="chuo", fiscal_year=2015, status=Status.APPROVED)
    before = anon.get("/api/v1/dashboard/", {"fiscal_year": 2015}).json()["wards"][0]
    section = Section.objects.filter(initiatives__isnull=False).first()
    InitiativeProgress.objects.create(
        section=section,
        fiscal_year=2015,
        ward=ward("chuo"),
        state="in_progress",
        status=Status.APPROVED,
    )
    # And one that does count, so that the answer is seen to be fresh, not a cached copy.
    progress(initiative="1-1-1", ward_code="chuo", fiscal_year=2015, status=Status.APPROVED)
    after = anon.get("/api/v1/dashboard/", {"fiscal_year": 2015}).json()["wards"][0]
    assert before["initiative_progress"]["approved"] == 1
    assert after["initiative_progress"]["approved"] == 2
    assert after["initiative_progress"]["missing"] == before["initiative_progress"]["missing"] - 1
