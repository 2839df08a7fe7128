"""One area filter (issue 20, item 8): every API filter, query parameter, path and request
body that takes a ward takes its code, its own 全国地方公共団体コード and its name alike, by
one rule (``community.selectors.ward_named``); a ward nobody has is a 400 naming the
parameter, never an empty 200 nor the city's answer."""

from decimal import Decimal

import pytest

from community.models import Ward
from community.selectors import UnknownWardError, ward_named
from indicators.models import Indicator, Target
from infrastructure.workflow import Status
from tests.api.conftest import client_for
from tests.community.helpers import district, headcount, resource, stage
from tests.factories import progress, value
from tests.test_second_city import kaku_city  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

# 中央区 as /api/v1/wards/ publishes it: its code, its JIS code and its name, then the same
# typed as people do (a code in capitals, full-width digits, spaces around).
CHUO = ("chuo", "431010", "中央区", "CHUO", "４３１０１０", " 中央区 ")

# Every list whose FilterSet has a ward filter, and every other ?ward= of the API.
WARD_PARAMETERS = [
    "/api/v1/indicator-values/",
    "/api/v1/initiative-progress/",
    "/api/v1/community-resources/",
    "/api/v1/school-districts/",
    "/api/v1/health-town-planning/",
    "/api/v1/volunteer-headcounts/",
    "/api/v1/volunteer-programs/",
    "/api/v1/consultation/",
    "/api/v1/indicators/",
    "/api/v1/indicators/KPI-3-1/",
    "/api/v1/indicators/KPI-3-1/series/",
    "/api/v1/indicators/KPI-3-1/targets/",
    "/api/v1/dashboard/",
]


@pytest.fixture
def records_in_two_wards():
    """Approved records of 中央区 and 東区 (and the city's) in every list that filters by
    ward, so that a filter that selects nothing, or everything, shows."""
    for code, amount in (("chuo", "20.5"), ("higashi", "30.5"), (None, "25.0")):
        value(
            indicator="KPI-3-2",
            ward_code=code,
            fiscal_year=2016,
            amount=amount,
            status=Status.APPROVED,
        )
        progress(initiative="1-2-1", ward_code=code, fiscal_year=2016, status=Status.APPROVED)
        headcount("promoter-8020", 2016, 40 if code == "chuo" else 7, ward_code=code)
    Target.objects.create(  # 中央区's own target, so that its targets are not the city's
        indicator=Indicator.objects.get(code="KPI-3-2"),
        ward=Ward.objects.get(code="chuo"),
        fiscal_year=2019,
        value=Decimal("24"),
    )
    for code in ("chuo", "higashi"):
        resource(name=f"{code}の相談室", ward_code=code, consultation=True)
        stage(district(f"{code}-01", code), 2016, 3)


def test_the_resolver_reads_every_name_a_ward_has():
    chuo = Ward.objects.get(code="chuo")
    assert {ward_named(text) for text in CHUO} == {chuo}
    assert ward_named("") is None and ward_named(None) is None and ward_named("  ") is None
    with pytest.raises(UnknownWardError, match="区「熊本区」はありません。"):
        ward_named("熊本区")
    with pytest.raises(UnknownWardError):
        ward_named("431001")  # the city's own code is no ward's


@pytest.mark.usefixtures("records_in_two_wards")
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/indicator-values/", "ward"),
        ("/api/v1/initiative-progress/", "ward"),
        ("/api/v1/community-resources/", "ward"),
        ("/api/v1/school-districts/", "ward"),
        ("/api/v1/volunteer-headcounts/", "ward"),
    ],
)
def test_every_filterset_selects_the_ward_by_any_of_its_names(anon, path, key):
    answers = [anon.get(path, {"ward": text}) for text in CHUO]
    assert {a.status_code for a in answers} == {200}
    rows = [a.json()["results"] for a in answers]
    assert rows[0], "the ward has rows here"
    assert all(r == rows[0] for r in rows), "every name selects the same rows"
    assert {row[key] for row in rows[0]} == {"中央区"}, "and only the ward's"
    everything = anon.get(path, {"page_size": 100}).json()["results"]
    assert len(everything) > len(rows[0])


@pytest.mark.usefixtures("records_in_two_wards")
def test_health_town_planning_filters_by_the_school_districts_ward(anon):
    answers = [anon.get("/api/v1/health-town-planning/", {"ward": text}).json() for text in CHUO]
    assert {a["count"] for a in answers} == {1}
    assert {a["results"][0]["school_district"] for a in answers} == {"chuo-01"}


@pytest.mark.usefixtures("records_in_two_wards")
def test_the_ward_filter_in_a_csv_download(anon):
    by_jis = anon.get("/api/v1/indicator-values/", {"ward": "431010", "format": "csv"})
    text = by_jis.content.decode("utf-8-sig")
    assert by_jis.status_code == 200 and "20.5" in text and "30.5" not in text
    unknown = anon.get("/api/v1/indicator-values/", {"ward": "431999", "format": "csv"})
    assert unknown.status_code == 400


@pytest.mark.parametrize("path", WARD_PARAMETERS)
def test_an_unknown_ward_is_a_400_naming_the_parameter(anon, path):
    response = anon.get(path, {"ward": "熊本区", "fiscal_year": 2016})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["fields"] == {"ward": ["区「熊本区」はありません。"]}
    english = anon.get(path, {"ward": "atlantis"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["error"]["fields"]["ward"] == ['There is no ward "atlantis".']


@pytest.mark.parametrize("path", WARD_PARAMETERS)
def test_an_unknown_ward_with_a_percent_sign_is_named_as_typed(anon, path):
    # schemathesis found a 500: the typed text was formatted into the message twice.
    response = anon.get(path, {"ward": "%s<%(x)s%", "format": "csv"})
    assert response.status_code == 400
    json = anon.get(path, {"ward": "%s<%(x)s%"}).json()
    assert json["error"]["fields"]["ward"] == ["区「%s<%(x)s%」はありません。"]


@pytest.mark.parametrize("path", WARD_PARAMETERS)
def test_an_empty_ward_is_no_filter(anon, path):
    assert anon.get(path, {"ward": "", "fiscal_year": 2016}).status_code == 200


@pytest.mark.usefixtures("records_in_two_wards")
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indicators/KPI-3-2/series/",
        "/api/v1/indicators/KPI-3-2/targets/",
        "/api/v1/indicators/KPI-3-2/",
        "/api/v1/indicators/",
        "/api/v1/dashboard/",
        "/api/v1/volunteer-programs/",
        "/api/v1/consultation/",
    ],
)
def test_every_other_ward_parameter_reads_any_of_its_names(anon, path):
    answers = [anon.get(path, {"ward": text, "fiscal_year": 2016}) for text in CHUO]
    assert {a.status_code for a in answers} == {200}
    bodies = [a.json() for a in answers]
    assert all(b == bodies[0] for b in bodies)
    city = anon.get(path, {"fiscal_year": 2016}).json()
    assert bodies[0] != city, "the ward's answer, not the city's"


@pytest.mark.usefixtures("records_in_two_wards")
def test_the_series_and_the_indicators_of_a_ward(anon):
    series = anon.get("/api/v1/indicators/KPI-3-2/series/", {"ward": "chuo"}).json()
    assert series["ward"] == "中央区"  # named as before
    assert [(p["kind"], p["value"]) for p in series["points"] if p["kind"] == "actual"] == [
        ("actual", "20.5")
    ]
    listed = anon.get("/api/v1/indicators/", {"ward": "431010", "fiscal_year": 2016}).json()
    kpi = next(i for i in listed if i["code"] == "KPI-3-2")
    assert kpi["latest_actual"]["value"] == "20.5"
    city = anon.get("/api/v1/indicators/", {"fiscal_year": 2016}).json()
    assert next(i for i in city if i["code"] == "KPI-3-2")["latest_actual"]["value"] == "25"
    one = anon.get("/api/v1/indicators/KPI-3-2/", {"ward": "中央区", "fiscal_year": 2016}).json()
    assert one["latest_actual"]["value"] == "20.5"


@pytest.mark.usefixtures("records_in_two_wards")
def test_the_dashboard_of_one_ward(anon):
    whole = anon.get("/api/v1/dashboard/", {"fiscal_year": 2016}).json()
    assert len(whole["wards"]) == Ward.objects.count()
    chuo = anon.get("/api/v1/dashboard/", {"fiscal_year": 2016, "ward": "chuo"}).json()
    assert [w["ward"] for w in chuo["wards"]] == ["中央区"]
    assert chuo["wards"][0] == next(w for w in whole["wards"] if w["ward"] == "中央区")


def test_the_ward_resource_by_any_of_its_names(anon):
    answers = [anon.get(f"/api/v1/wards/{text.strip()}/") for text in CHUO]
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["municipality_code"] for a in answers} == {"431010"}
    assert anon.get("/api/v1/wards/431999/").status_code == 404


@pytest.mark.parametrize("text", ["chuo", "431010", "中央区"])
def test_a_ward_written_in_a_body_by_any_of_its_names(plan_client, text):
    created = plan_client.post(
        "/api/v1/indicator-values/",
        {"indicator": "KPI-3-1", "ward": text, "fiscal_year": 2016, "kind": "actual"}
        | {"value": "23456"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["ward"] == "中央区"
    progress_report = plan_client.post(
        "/api/v1/initiative-progress/",
        {"initiative": "1-2-1", "ward": text, "fiscal_year": 2016, "state": "in_progress"},
        format="json",
    )
    assert progress_report.status_code == 201, progress_report.content
    assert progress_report.json()["ward"] == "中央区"


def test_an_unknown_ward_in_a_body_is_a_400_naming_the_field(plan_client):
    refused = plan_client.post(
        "/api/v1/indicator-values/",
        {"indicator": "KPI-3-1", "ward": "熊本区", "fiscal_year": 2016, "kind": "actual"}
        | {"value": "23456"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["ward"] == ["区「熊本区」はありません。"]


def test_the_schema_says_which_forms_a_ward_takes(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    described = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "ward" or (
                    path == "/api/v1/wards/{code}/" and parameter["name"] == "code"
                ):
                    described[(path, method, parameter["name"])] = parameter["description"]
    paths = {path for path, _method, _name in described}
    for path in WARD_PARAMETERS:
        assert path.replace("KPI-3-1", "{code}") in paths
    assert "/api/v1/wards/{code}/" in paths
    for description in described.values():
        assert "全国地方公共団体コード" in description and "400" in description


@pytest.mark.usefixtures("kaku_city")
def test_a_ward_of_the_second_city_by_any_of_its_names():
    anon = client_for()
    value(
        indicator="KPI-1-1",
        ward_code="asahi",
        fiscal_year=2025,
        amount="26.0",
        status=Status.APPROVED,
    )
    for text in ("asahi", "991015", "あさひ区"):
        rows = anon.get("/api/v1/indicator-values/", {"ward": text}).json()["results"]
        assert [(r["ward"], r["value"]) for r in rows if r["kind"] == "actual"] == [
            ("あさひ区", "26")
        ]
        series = anon.get("/api/v1/indicators/KPI-1-1/series/", {"ward": text}).json()
        assert series["progress"]["achievement_rate"] == "50.0"
    # Another city's ward is no ward here.
    assert anon.get("/api/v1/indicator-values/", {"ward": "chuo"}).status_code == 400
    assert anon.get("/api/v1/indicator-values/", {"ward": "431010"}).status_code == 400
