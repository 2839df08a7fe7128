"""Large imports as background jobs, eagerly (the embedded default: the job has finished by
the time the status page loads): upload → status page → preview → confirm → written, on the
real database. The real worker runs the same flow in tests/jobs/test_import_job.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from indicators.models import IndicatorValue, IndicatorValueTransition
from infrastructure.imports.background import (
    IMPORT_JOB,
    ImportRefused,
    import_job_confirm,
)
from infrastructure.jobs.models import Job, JobStatus
from infrastructure.jobs.services import ProgressWriter, job_run
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, snapshot

pytestmark = pytest.mark.django_db

IMPORT = "/admin/indicators/indicatorvalue/import/"
# Every indicator: actuals, except for the two derived from community records (KPI-4-1,
# KPI-4-2), whose actuals are computed, never typed; for them, baselines.
INDICATORS = {
    "KPI-1-1": "",
    "KPI-2-1": "",
    "KPI-3-1": "",
    "KPI-3-2": "",
    "KPI-4-1": "基準値",
    "KPI-4-2": "基準値",
    "KPI-4-3": "",
}


def large_rows(ward="中央区"):
    """Every indicator for every year of the plan (2008–2022): 105 rows, about 4 KB."""
    return [INDICATOR_HEADERS] + [
        [code, "", ward, str(year), kind, "50", "テスト"]
        for code, kind in INDICATORS.items()
        for year in range(2008, 2023)
    ]


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.IMPORT_BACKGROUND_BYTES = 1000  # the 4 KB file counts as large


@pytest.fixture
def eager():
    """Tasks run at once in this process, as on the embedded default, even with a broker."""
    from kumamoto_welfare.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def calls(monkeypatch):
    """Every progress(done, total) call the jobs make, as (job, done, total)."""
    seen = []
    original = ProgressWriter.__call__

    def spy(self, done, total=None):
        seen.append((self.job.pk, done, total))
        original(self, done, total)

    monkeypatch.setattr(ProgressWriter, "__call__", spy)
    return seen


@pytest.fixture
def chuo(client, chuo_officer):
    client.force_login(chuo_officer)
    return client


def upload(client, rows, commit_callbacks, name="values.csv"):
    with commit_callbacks(execute=True):
        return client.post(IMPORT, {"file": SimpleUploadedFile(name, csv_bytes(rows))})


def confirm(client, url, token, commit_callbacks):
    with commit_callbacks(execute=True):
        return client.post(url, {"token": token})


def entries():
    return IndicatorValue.objects.filter(origin="entry")


def test_a_large_import_runs_as_jobs_with_progress(
    eager, chuo, chuo_officer, calls, django_capture_on_commit_callbacks
):
    before = snapshot()
    response = upload(chuo, large_rows(), django_capture_on_commit_callbacks)
    preview = Job.objects.get(kind=IMPORT_JOB)
    status_url = f"{IMPORT}job/{preview.pk}/"
    assert response.status_code == 302 and response["Location"] == status_url
    assert preview.user == chuo_officer and preview.params["dry_run"] is True
    assert preview.status == JobStatus.SUCCEEDED, preview.error
    assert preview.done == preview.total == 105
    assert snapshot() == before  # the dry run wrote nothing

    # Progress was reported row by row, from 0 to every row.
    mine = [(done, total) for job, done, total in calls if job == preview.pk]
    assert mine[0] == (0, 105) and mine[-1] == (105, 105)
    assert any(0 < done < 105 for done, _ in mine)

    page = chuo.get(status_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["report"]["counts"]["new"] == 105
    assert "KPI-3-1 中央区 2015 実績値" in html and "新規" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more reloading
    token = page.context["token"]
    assert token == preview.params["token"]

    response = confirm(chuo, status_url, token, django_capture_on_commit_callbacks)
    done = Job.objects.exclude(pk=preview.pk).get(kind=IMPORT_JOB)
    assert response.status_code == 302 and response["Location"] == f"{IMPORT}job/{done.pk}/"
    assert done.status == JobStatus.SUCCEEDED and done.params["preview"] == preview.pk
    assert done.done == done.total == 105 and done.result["written"] is True
    assert entries().count() == 105
    assert {r.history.get().history_user for r in entries()} == {chuo_officer}
    result = chuo.get(f"{IMPORT}job/{done.pk}/")
    assert "取り込みました" in result.content.decode() and result.context["token"] is None

    # Confirming again leads to the same job; a second delivery of it does nothing.
    again = confirm(chuo, status_url, token, django_capture_on_commit_callbacks)
    assert again["Location"] == f"{IMPORT}job/{done.pk}/"
    assert job_run(job_id=done.pk) == "skipped"
    assert Job.objects.filter(kind=IMPORT_JOB).count() == 2
    assert snapshot()["values"] == before["values"] + 105
    assert snapshot()["value history"] == before["value history"] + 105


def test_small_uploads_still_run_in_the_request(chuo, settings):
    settings.IMPORT_BACKGROUND_BYTES = 200 * 1024
    response = chuo.post(IMPORT, {"file": SimpleUploadedFile("v.csv", csv_bytes(large_rows()))})
    assert response.status_code == 200 and response.context["report"].counts["new"] == 105
    assert not Job.objects.exists()


def test_a_status_page_while_the_job_waits_shows_its_progress(chuo, chuo_officer):
    job = Job.objects.create(
        kind=IMPORT_JOB,
        user=chuo_officer,
        status=JobStatus.RUNNING,
        done=40,
        total=105,
        params={"sheet": "indicator_value", "token": "x", "filename": "v.csv", "dry_run": True},
    )
    html = chuo.get(f"{IMPORT}job/{job.pk}/").content.decode()
    assert '<label for="import-progress">' in html
    assert '<progress id="import-progress" max="105" value="40">38%</progress>' in html
    assert 'role="status" aria-live="polite">105 行のうち 40 行を処理しました。' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'data-job-url="/api/v1/jobs/{job.pk}/"' in html
    assert "js/import-job.js" in html


def test_a_bad_large_file_writes_nothing_and_shows_its_errors(
    eager, chuo, django_capture_on_commit_callbacks
):
    before = snapshot()
    rows = large_rows()
    rows[50][2] = "東区"  # row 51 of the sheet: another ward's record
    rows[80][5] = "たくさん"  # row 81: not a number
    response = upload(chuo, rows, django_capture_on_commit_callbacks)
    page = chuo.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page.context["token"] is None
    assert "2件の誤りがあります。何も登録していません。" in html
    assert '<th scope="row">51</th><td>区</td>' in html
    assert '<th scope="row">81</th><td>値</td>' in html
    assert "取り込む" not in html.replace("取り込み", "")  # no confirm button
    assert snapshot() == before

    # Posting the upload's token anyway is refused: the dry run had errors.
    job = Job.objects.get(kind=IMPORT_JOB)
    refused = confirm(
        chuo, response["Location"], job.params["token"], django_capture_on_commit_callbacks
    )
    assert refused.status_code == 400 and "取り込めません" in refused.content.decode()
    assert Job.objects.count() == 1 and snapshot() == before


def test_another_user_cannot_see_or_confirm_someones_import(
    eager, client, chuo, chuo_officer, higashi_officer, planner, django_capture_on_commit_callbacks
):
    response = upload(chuo, large_rows(), django_capture_on_commit_callbacks)
    status_url = response["Location"]
    job = Job.objects.get(kind=IMPORT_JOB)
    for other in (higashi_officer, planner):
        client.force_login(other)
        assert client.get(status_url).status_code == 404
        assert client.post(status_url, {"token": job.params["token"]}).status_code == 404
        assert client.post(status_url, {"retry": "1"}).status_code == 404
        with pytest.raises(ImportRefused):
            import_job_confirm(preview=job, user=other)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 200  # planners see every job
    client.force_login(higashi_officer)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert Job.objects.count() == 1 and not entries().exists()


def test_a_confirm_job_for_someone_elses_dry_run_fails_and_writes_nothing(
    eager, chuo, higashi_officer, django_capture_on_commit_callbacks
):
    upload(chuo, large_rows(), django_capture_on_commit_callbacks)
    preview = Job.objects.get(kind=IMPORT_JOB)
    # Even a job made by hand (not through the page) refuses: the worker checks again.
    forged = Job.objects.create(
        kind=IMPORT_JOB,
        user=higashi_officer,
        params={**preview.params, "dry_run": False, "preview": preview.pk},
    )
    assert job_run(job_id=forged.pk) == JobStatus.FAILED
    forged.refresh_from_db()
    assert "取り込めません" in forged.error and not entries().exists()


def test_a_crashed_import_writes_nothing_and_can_be_retried(
    eager, chuo, monkeypatch, django_capture_on_commit_callbacks
):
    before = snapshot()
    response = upload(chuo, large_rows(), django_capture_on_commit_callbacks)
    status_url = response["Location"]
    token = Job.objects.get(kind=IMPORT_JOB).params["token"]

    original = ProgressWriter.__call__

    def crash_half_way(self, done, total=None):
        original(self, done, total)
        if done >= 60:
            raise RuntimeError("the worker went away")

    monkeypatch.setattr(ProgressWriter, "__call__", crash_half_way)
    response = confirm(chuo, status_url, token, django_capture_on_commit_callbacks)
    failed = Job.objects.get(kind=IMPORT_JOB, params__preview__isnull=False)
    assert failed.status == JobStatus.FAILED and failed.done == 60
    assert snapshot() == before  # 59 rows had been applied: all rolled back
    assert IndicatorValueTransition.objects.count() == before["value transitions"]
    page = chuo.get(response["Location"]).content.decode()
    assert "何も登録していません" in page and "the worker went away" in page
    assert 'name="retry"' in page

    monkeypatch.setattr(ProgressWriter, "__call__", original)
    with django_capture_on_commit_callbacks(execute=True):
        retried = chuo.post(response["Location"], {"retry": "1"})
    job = Job.objects.get(params__retry_of=failed.pk)
    assert retried["Location"] == f"{IMPORT}job/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.result["written"] is True
    assert entries().count() == 105
    # The upload is gone once imported: nothing left to retry or confirm.
    assert 'name="retry"' not in chuo.get(response["Location"]).content.decode()


def test_an_expired_upload_fails_the_job_and_says_so(
    eager, chuo, django_capture_on_commit_callbacks
):
    from infrastructure.imports.background import tmp_storage

    upload(chuo, large_rows(), django_capture_on_commit_callbacks)
    preview = Job.objects.get(kind=IMPORT_JOB)
    tmp_storage(preview.params["token"]).remove()
    response = confirm(
        chuo,
        f"{IMPORT}job/{preview.pk}/",
        preview.params["token"],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400 and "有効期限" in response.content.decode()
    assert Job.objects.count() == 1 and not entries().exists()


def test_the_status_page_reads_in_english(chuo, chuo_officer):
    job = Job.objects.create(
        kind=IMPORT_JOB,
        user=chuo_officer,
        status=JobStatus.RUNNING,
        done=40,
        total=105,
        params={"sheet": "indicator_value", "token": "x", "filename": "v.csv", "dry_run": True},
    )
    with translation.override("ja"):  # the request activates English: not for later tests
        html = chuo.get(f"{IMPORT}job/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "40 of 105 rows processed." in html
    assert 'data-text-progress="{done} of {total} rows processed."' in html
    assert "Checking the contents (nothing is saved)" in html
