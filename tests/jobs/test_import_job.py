"""A large import driven through a REAL Celery worker on the Redis of REDIS_URL: uploaded in
the admin, checked and imported by the worker (which reads the upload from the shared tmp
storage, the Redis cache), progress reported while it runs, and everything or nothing
written. Skipped without REDIS_URL; a failure under REQUIRE_SERVICES=1 (CI)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators.models import IndicatorValue
from infrastructure.imports.background import IMPORT_JOB
from infrastructure.jobs import services as job_services
from infrastructure.jobs.models import Job, JobStatus
from infrastructure.jobs.services import ProgressWriter
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, snapshot
from tests.jobs.conftest import wait_for, wait_for_job

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
ROWS = [INDICATOR_HEADERS] + [
    [code, "", "中央区", str(year), kind, "50", "テスト"]
    for code, kind in INDICATORS.items()
    for year in range(2008, 2023)
]  # 105 rows


class Watcher:
    """Reads the job row from the test's own connection while the worker runs it, as the
    status page does, and keeps every (status, done, total) seen."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.seen: list[tuple[str, int, int | None]] = []

    def __call__(self):
        job = Job.objects.get(pk=self.job_id)
        self.seen.append((job.status, job.done, job.total))
        return job.finished and job

    def wait(self):
        return wait_for(self, timeout=60, message=f"job {self.job_id}")


def entries():
    return IndicatorValue.objects.filter(origin="entry")


@pytest.fixture
def every_progress_call(monkeypatch):
    monkeypatch.setattr(job_services, "PROGRESS_INTERVAL", 0)  # write each row's progress


def test_a_large_import_runs_on_the_worker_with_progress(
    worker, chuo_officer, settings, every_progress_call
):
    settings.IMPORT_BACKGROUND_BYTES = 1000
    before = snapshot()
    client = Client()
    client.force_login(chuo_officer)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("v.csv", csv_bytes(ROWS))})
    assert response.status_code == 302
    preview = Job.objects.get(kind=IMPORT_JOB)

    watcher = Watcher(preview.pk)
    preview = watcher.wait()
    assert preview.status == JobStatus.SUCCEEDED, preview.error
    assert preview.done == preview.total == 105
    # Progress was visible from outside while the import's transaction was still open.
    assert any(
        status == JobStatus.RUNNING and total == 105 and done < 105
        for status, done, total in watcher.seen
    ), watcher.seen
    assert snapshot() == before  # the dry run wrote nothing

    page = client.get(response["Location"])
    assert page.context["report"]["counts"]["new"] == 105
    confirmed = client.post(response["Location"], {"token": page.context["token"]})
    assert confirmed.status_code == 302
    done = wait_for_job(Job.objects.get(kind=IMPORT_JOB, params__preview=preview.pk).pk)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.done == done.total == 105 and done.result["written"] is True
    assert entries().count() == 105  # everything
    assert "取り込みました" in client.get(confirmed["Location"]).content.decode()


def test_an_import_that_crashes_on_the_worker_writes_nothing(
    worker, chuo_officer, settings, monkeypatch
):
    settings.IMPORT_BACKGROUND_BYTES = 1000
    before = snapshot()
    client = Client()
    client.force_login(chuo_officer)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("v.csv", csv_bytes(ROWS))})
    preview = wait_for_job(Job.objects.get(kind=IMPORT_JOB).pk)
    assert preview.status == JobStatus.SUCCEEDED, preview.error

    # The worker (a thread of this process) dies half-way through the real import.
    original = ProgressWriter.__call__
    worker_thread = threading.get_ident()

    def crash_half_way(self, done, total=None):
        original(self, done, total)
        if done >= 60 and threading.get_ident() != worker_thread:
            raise RuntimeError("worker lost")

    monkeypatch.setattr(ProgressWriter, "__call__", crash_half_way)
    client.post(response["Location"], {"token": preview.params["token"]})
    failed = wait_for_job(Job.objects.get(kind=IMPORT_JOB, params__preview=preview.pk).pk)
    assert failed.status == JobStatus.FAILED and "worker lost" in failed.error
    assert snapshot() == before  # nothing

    monkeypatch.setattr(ProgressWriter, "__call__", original)
    retried = client.post(f"{IMPORT}job/{failed.pk}/", {"retry": "1"})
    assert retried.status_code == 302
    job = wait_for_job(Job.objects.get(kind=IMPORT_JOB, params__retry_of=failed.pk).pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert entries().count() == 105  # then everything


DIRECTORY_IMPORT = "/admin/community/communityresource/import/"


def test_a_large_directory_upload_is_checked_and_imported_on_the_worker(
    worker, chuo_officer, settings
):
    """The community admin's large uploads take the same path as the indicator imports':
    the dry run and the import both on the worker, nothing written until confirmed."""
    from community.models import CommunityResource

    settings.IMPORT_BACKGROUND_BYTES = 1000
    rows = [["名称", "種類", "区", "ライフステージ"]] + [
        [f"中央の会{n}", "老人クラブ", "中央区", "高齢期"] for n in range(80)
    ]
    client = Client()
    client.force_login(chuo_officer)
    response = client.post(DIRECTORY_IMPORT, {"file": SimpleUploadedFile("r.csv", csv_bytes(rows))})
    assert response.status_code == 302
    preview = wait_for_job(Job.objects.get(kind=IMPORT_JOB).pk)
    assert response["Location"] == f"{DIRECTORY_IMPORT}job/{preview.pk}/"
    assert preview.status == JobStatus.SUCCEEDED, preview.error
    assert preview.done == preview.total == 80
    entries = CommunityResource.objects.filter(origin="entry")
    assert not entries.exists()

    page = client.get(response["Location"])
    assert page.context["report"]["counts"]["new"] == 80
    confirmed = client.post(response["Location"], {"token": page.context["token"]})
    done = wait_for_job(Job.objects.get(kind=IMPORT_JOB, params__preview=preview.pk).pk)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.result["written"] is True and entries.count() == 80
    assert "取り込みました" in client.get(confirmed["Location"]).content.decode()
