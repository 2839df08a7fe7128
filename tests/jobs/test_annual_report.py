"""The annual report made by a task, stored, and served with its generation time."""

import io

from openpyxl import load_workbook

from infrastructure.jobs.models import Job, JobStatus
from infrastructure.workflow import Status
from portal.annual_reports import annual_report_generate
from programs.models import AnnualReport, AnnualReportStatus
from tests.api.conftest import client_for
from tests.factories import value

from .conftest import wait_for_job

YEAR = 2013


def kpi_1_1_row(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["施策1"]
    return next(
        [cell.value for cell in row] for row in sheet.iter_rows() if row[0].value == "KPI-1-1"
    )


def assert_holds_the_plans_figures(content: bytes):
    # KPI-1-1 in the plan: baseline 78.61 % (FY2008), target 79.41 % (FY2017).
    row = kpi_1_1_row(content)
    assert row[3:5] == ["2008年度（平成20年度）", 78.61]
    assert row[7:9] == ["2017年度（平成29年度）", 79.41]


def test_the_generated_report_holds_the_plans_figures_and_its_time(db):
    report = annual_report_generate(fiscal_year=YEAR)
    assert report.status == AnnualReportStatus.READY and report.generated_at
    content = report.xlsx.read()
    assert_holds_the_plans_figures(content)
    sheet = load_workbook(io.BytesIO(content))["施策1"]
    assert sheet["A3"].value == "作成日時"
    page = report.html.read().decode()
    assert "作成日時" in page and "KPI-1-1" in page and "78.61" in page


def test_the_report_shows_approved_data_only(db):
    value(indicator="KPI-3-1", fiscal_year=YEAR, amount="99999", status=Status.DRAFT)
    report = annual_report_generate(fiscal_year=YEAR)
    assert "99999" not in report.html.read().decode()


def test_regenerating_replaces_the_files(db):
    first = annual_report_generate(fiscal_year=YEAR)
    old_name = first.xlsx.name
    second = annual_report_generate(fiscal_year=YEAR)
    assert second.pk == first.pk and second.generated_at > first.generated_at
    assert not first.xlsx.storage.exists(old_name) or old_name == second.xlsx.name


def test_a_ward_officer_cannot_ask_for_a_report(chuo_officer):
    response = client_for(chuo_officer).post(f"/api/v1/reports/{YEAR}/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not AnnualReport.objects.exists()


def test_the_public_cannot_ask_for_a_report(db):
    response = client_for().post(f"/api/v1/reports/{YEAR}/")
    assert response.status_code in (401, 403)
    assert not Job.objects.exists()


def test_an_unknown_year_or_a_report_not_made_is_404(db):
    assert client_for().get("/api/v1/reports/1999/").status_code == 404
    assert client_for().get(f"/api/v1/reports/{YEAR}/").status_code == 404
    assert client_for().get(f"/api/v1/reports/{YEAR}/xlsx/").status_code == 404


def test_a_planner_asks_and_the_report_is_made_on_commit(
    eager, planner, django_capture_on_commit_callbacks
):
    """Without a broker (the embedded default) the job runs at once on commit."""
    client = client_for(planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/reports/{YEAR}/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    body = client_for().get(f"/api/v1/reports/{YEAR}/").json()
    assert body["status"] == "ready" and body["generated_at"]
    assert body["stale"] is False
    download = client_for().get(body["downloads"]["xlsx"])
    assert download.status_code == 200
    assert download["X-Generated-At"] and download["Last-Modified"]
    assert_holds_the_plans_figures(b"".join(download.streaming_content))


def test_the_report_is_made_by_a_real_worker(worker, planner, settings):
    response = client_for(planner).post(f"/api/v1/reports/{YEAR}/")
    assert response.status_code == 202
    job = wait_for_job(response.json()["job"]["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.done == job.total == 4  # context, workbook, page, PDF

    body = client_for().get(f"/api/v1/reports/{YEAR}/").json()
    assert body["status"] == "ready" and body["generated_at"]
    download = client_for().get(f"/api/v1/reports/{YEAR}/xlsx/")
    assert_holds_the_plans_figures(b"".join(download.streaming_content))
    page = client_for().get(f"/api/v1/reports/{YEAR}/html/")
    assert "作成日時" in b"".join(page.streaming_content).decode()


def test_a_malformed_year_is_the_apis_json_404_whatever_the_format(db):
    for path in ("/api/v1/reports/abc/?format=csv", "/api/v1/reports/null,null/html/?format=csv"):
        response = client_for().get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"


def test_a_job_is_visible_to_its_owner_and_planners_only(chuo_officer, higashi_officer, planner):
    job = Job.objects.create(kind="annual_report", user=chuo_officer, total=10, done=4)
    body = client_for(chuo_officer).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == ("queued", 4, 10, 40)
    assert client_for(planner).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert client_for(higashi_officer).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client_for().get(f"/api/v1/jobs/{job.pk}/").status_code == 401
    assert client_for(planner).get("/api/v1/jobs/x1/?format=csv").status_code == 404
