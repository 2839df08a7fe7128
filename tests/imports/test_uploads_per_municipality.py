"""Issue 22, item 2: an upload kept for an import (a background job's, or one awaiting its
confirmation) waits under its municipality's code once several are loaded, as a stored
report does; with one municipality loaded, where it always did."""

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from community.access import Role
from community.models import Municipality
from community.services import staff_create
from infrastructure import tenancy
from infrastructure.imports.background import IMPORT_JOB, import_job_start
from infrastructure.imports.storage import UploadStorage, uploads_purge
from infrastructure.jobs.models import Job, JobStatus
from tests.conftest import PASSWORD
from tests.imports.files import INDICATOR_HEADERS, csv_bytes

pytestmark = pytest.mark.django_db

KAKU = Path(__file__).parent.parent / "fixtures" / "plans" / "kaku-city"
OTHER = "991007"
FOLDER = "django-import-export"


@pytest.fixture
def kaku(db):
    """The fictional 架空市 loaded beside the shipped plan, as a tenant."""
    call_command("load_plan", str(KAKU), verbosity=0)
    municipality = Municipality.objects.get(code=OTHER)
    return tenancy.Tenant(municipality.pk, municipality.code)


@pytest.fixture
def eager():
    from kumamoto_welfare.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_a_background_imports_upload_waits_under_its_municipalitys_code(
    kaku, eager, settings, django_capture_on_commit_callbacks
):
    planner = staff_create(
        username="kaku_planner",
        role=Role.PLANNER,
        password=PASSWORD,
        municipality=Municipality.objects.get(code=OTHER),
    )
    rows = [INDICATOR_HEADERS, ["KPI-1-1", "", "あさひ区", "2025", "", "50", "テスト"]]
    with tenancy.activated(kaku), django_capture_on_commit_callbacks(execute=True):
        preview = import_job_start(
            user=planner, kind="indicator_value", data=csv_bytes(rows), filename="v.csv"
        )
    token = preview.params["token"]
    assert (settings.MEDIA_ROOT / FOLDER / OTHER / token).exists()
    assert not (settings.MEDIA_ROOT / FOLDER / token).exists()
    # The worker ran the dry run for the municipality that asked, and found the upload there.
    preview = Job.objects.get(pk=preview.pk, kind=IMPORT_JOB)
    assert preview.tenant_code == OTHER
    assert preview.status == JobStatus.SUCCEEDED, preview.error
    assert preview.result["counts"]["new"] == 1, preview.result
    # Another municipality's work (or none) does not find it by its token.
    assert UploadStorage(name=token).read() is None
    with tenancy.activated(kaku):
        assert UploadStorage(name=token).read() is not None


def test_with_one_municipality_an_upload_waits_where_it_always_did(settings):
    storage = UploadStorage()
    storage.save(b"data")
    assert (settings.MEDIA_ROOT / FOLDER / storage.name).read_bytes() == b"data"
    assert not any(path.is_dir() for path in (settings.MEDIA_ROOT / FOLDER).iterdir())


def test_the_purge_removes_every_municipalitys_old_uploads(kaku, settings):
    with tenancy.activated(kaku):
        old, fresh = UploadStorage(), UploadStorage()
        old.save(b"old")
        fresh.save(b"fresh")
    installations = UploadStorage()
    installations.save(b"old too")
    two_days_ago = time.time() - 2 * 24 * 3600
    aged = [
        settings.MEDIA_ROOT / FOLDER / OTHER / old.name,
        settings.MEDIA_ROOT / FOLDER / installations.name,
    ]
    for path in aged:
        os.utime(path, (two_days_ago, two_days_ago))
    assert uploads_purge() == 2
    assert not any(path.exists() for path in aged)
    assert (settings.MEDIA_ROOT / FOLDER / OTHER / fresh.name).exists()
