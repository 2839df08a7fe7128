"""The open-data catalogue at /opendata/ (issue 14, item 1; docs/open-data.md)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from community.models import Municipality
from infrastructure.workflow import Status
from portal import open_data
from tests.community.helpers import district, resource, stage
from tests.factories import evaluation, progress, value

pytestmark = pytest.mark.django_db

HEAD = ["全国地方公共団体コード", "ID", "地方公共団体名"]


def read_csv(response, encoding="utf-8-sig") -> list[dict]:
    body = b"".join(response.streaming_content)
    return list(csv.DictReader(io.StringIO(body.decode(encoding), newline="")))


@pytest.fixture
def data(db):
    """One approved and one draft record of each workflow kind, and community records."""
    approved = value(fiscal_year=2016, status=Status.APPROVED, amount="120000", ward_code="chuo")
    draft = value(fiscal_year=2017, status=Status.DRAFT, amount="999999")
    progress(fiscal_year=2016, status=Status.APPROVED, results="承認された実績")
    progress(fiscal_year=2016, ward_code="chuo", status=Status.SUBMITTED, results="下書きの実績")
    evaluation(pillar=1, status=Status.APPROVED, analysis="承認された分析")
    evaluation(pillar=2, status=Status.DRAFT, analysis="下書きの分析")
    school = district("chuo-01")
    stage(school, 2016, 3)
    place = resource(name="𠮷野の相談窓口", consultation=True, phone="=1+2")
    return {"approved": approved, "draft": draft, "district": school, "resource": place}


def test_every_csv_starts_with_the_standard_columns(client, data):
    publisher = open_data.publisher_of()
    assert isinstance(publisher, Municipality)
    for dataset in open_data.DATASETS:
        response = client.get(f"/opendata/{dataset.slug}.csv")
        assert response.status_code == 200, dataset.slug
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\xef\xbb\xbf"), dataset.slug  # the BOM
        assert b"\r\n" in body
        header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert header[:3] == HEAD, dataset.slug
        assert header == dataset.header
        for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")):
            assert row["全国地方公共団体コード"] == publisher.code
            assert row["地方公共団体名"] == publisher.name


def test_fiscal_years_in_both_forms_and_no_draft(client, data):
    rows = read_csv(client.get("/opendata/indicator-values.csv"))
    years = {(row["年度"], row["年度（和暦）"]) for row in rows}
    assert ("2016", "平成28年度") in years
    ids = {row["ID"] for row in rows}
    assert str(data["approved"].pk) in ids
    assert str(data["draft"].pk) not in ids
    assert all(row["値"] != "999999" for row in rows)
    approved = next(row for row in rows if row["ID"] == str(data["approved"].pk))
    # The ward by its own 全国地方公共団体コード, the code the API's ?ward= takes too.
    assert approved["値"] == "120000" and approved["区コード"] == "431010"
    assert approved["区名"] == "中央区"

    progress_text = client.get("/opendata/initiative-progress.csv")
    progress_rows = read_csv(progress_text)
    assert {row["実績"] for row in progress_rows} >= {"承認された実績"}
    assert "下書きの実績" not in {row["実績"] for row in progress_rows}
    analyses = {row["要因分析"] for row in read_csv(client.get("/opendata/evaluations.csv"))}
    assert "承認された分析" in analyses and "下書きの分析" not in analyses

    stages = read_csv(client.get("/opendata/health-town-planning.csv"))
    assert [
        (r["小学校区コード"], r["年度"], r["年度（和暦）"], r["到達した段階"]) for r in stages
    ] == [("chuo-01", "2016", "平成28年度", "3")]


def test_staff_get_the_same_open_data(client, data, planner):
    anonymous = b"".join(client.get("/opendata/indicator-values.csv").streaming_content)
    client.force_login(planner)
    staff = b"".join(client.get("/opendata/indicator-values.csv").streaming_content)
    assert staff == anonymous


def test_one_value_to_a_cell_life_stages_are_rows(client, data):
    from community.models import LifeStage

    place = data["resource"]
    place.life_stages.set(LifeStage.objects.all()[:2])
    rows = read_csv(client.get("/opendata/community-resource-life-stages.csv"))
    mine = [row for row in rows if row["地域資源ID"] == str(place.pk)]
    assert len(mine) == 2
    resources = read_csv(client.get("/opendata/community-resources.csv"))
    entry = next(row for row in resources if row["ID"] == str(place.pk))
    assert entry["相談窓口"] == "true"
    assert entry["電話番号"] == "'=1+2"  # a formula never runs in a spreadsheet


def test_shift_jis_decodes_as_cp932_and_marks_what_it_cannot_hold(client, data):
    response = client.get("/opendata/community-resources.csv?encoding=shift_jis")
    assert response["Content-Type"] == "text/csv; charset=cp932"
    body = b"".join(response.streaming_content)
    assert not body.startswith(b"\xef\xbb\xbf")
    text = body.decode("cp932")  # strict: every byte is CP932
    assert text.splitlines()[0].split(",")[:3] == HEAD
    assert "〓野の相談窓口" in text  # 𠮷 is not in CP932: replaced by the geta mark
    assert "中央区" in text


def test_an_unknown_encoding_is_a_400_naming_the_field(client, data):
    response = client.get("/opendata/indicators.csv?encoding=latin-1")
    assert response.status_code == 400
    assert "encoding" in response.content.decode()


def test_an_unknown_dataset_is_404(client):
    assert client.get("/opendata/no-such-set.csv").status_code == 404
    assert client.get("/opendata/no-such-set.xlsx").status_code == 404


def test_xlsx_opens_with_the_same_rows(client, data):
    response = client.get("/opendata/indicator-values.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == open_data.BY_SLUG["indicator-values"].header
    csv_rows = read_csv(client.get("/opendata/indicator-values.csv"))
    assert len(rows) - 1 == len(csv_rows)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["全国地方公共団体コード"] == open_data.publisher_of().code
    assert isinstance(first["年度"], int)


def test_row_counts_on_the_page_match_the_files(client, data):
    page = client.get("/opendata/").content.decode()
    for dataset in open_data.DATASETS:
        shown = re.search(rf'data-rows="{dataset.slug}">(\d+)', page)
        assert shown, dataset.slug
        rows = read_csv(client.get(f"/opendata/{dataset.slug}.csv"))
        assert int(shown[1]) == len(rows), dataset.slug
    assert "クリエイティブ・コモンズ 表示 4.0 国際" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert open_data.publisher_of().name in page


def test_the_page_in_english(client, data):
    client.cookies["django_language"] = "en"
    page = client.get("/opendata/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open data" in page
    assert page.count("Indicator values by fiscal year and ward") == 1  # no Japanese-page twin
    # The files stay Japanese, their labels matching the standard headers.
    rows = read_csv(client.get("/opendata/indicator-values.csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert {row["種別"] for row in rows} == {"基準値", "実績値"}


def test_the_data_package_names_urls_on_the_same_site(client, data):
    package = client.get("/opendata/datapackage.json").json()
    # Named after the municipality (its code and name), not in the code (issue 20, item 7).
    assert package["name"] == "431001-community-welfare-open-data"
    assert package["title"] == "熊本市 地域福祉計画 オープンデータ"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["contributors"][0]["role"] == "publisher"
    assert [r["name"] for r in package["resources"]] == [d.slug for d in open_data.DATASETS]
    for resource_ in package["resources"]:
        assert resource_["path"] == f"http://testserver/opendata/{resource_['name']}.csv"
        assert resource_["encoding"] == "utf-8-sig"
        assert resource_["mediatype"] == "text/csv"
        assert resource_["schema"]["primaryKey"] == ["ID"]
        names = [f["name"] for f in resource_["schema"]["fields"]]
        assert names[:3] == HEAD


def test_the_zip_holds_every_csv_and_a_valid_package(client, data, tmp_path):
    import frictionless

    response = client.get("/opendata/all.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        ["datapackage.json", *[f"{d.slug}.csv" for d in open_data.DATASETS]]
    )
    package = json.loads(archive.read("datapackage.json"))
    assert [r["path"] for r in package["resources"]] == [
        f"{d.slug}.csv" for d in open_data.DATASETS
    ]
    archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])


def test_the_settings_check_the_licence():
    import os
    import subprocess
    import sys

    env = {**os.environ, "OPEN_DATA_LICENSE_URL": "not a url"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={**env, "DJANGO_SETTINGS_MODULE": "kumamoto_welfare.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "OPEN_DATA_LICENSE_URL" in result.stderr


@pytest.mark.usefixtures("committed_db")
def test_frictionless_validates_the_served_package(live_server):
    import frictionless

    value(fiscal_year=2016, status=Status.APPROVED, amount="120000", ward_code="chuo")
    stage(district("chuo-02"), 2016, 2)
    report = frictionless.validate(f"{live_server.url}/opendata/datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "message"])
    assert (
        Client()
        .get("/opendata/datapackage.json")
        .json()["resources"][0]["path"]
        .startswith("http://testserver/")
    )
