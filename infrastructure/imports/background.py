"""Large imports as background jobs (``jobs.Job`` of kind ``import``).

An upload over ``IMPORT_BACKGROUND_BYTES`` is not checked in the request: the admin's
import view stores it in django-import-export's tmp storage (a file in the media storage,
``storage.UploadStorage``, so the worker reads what the web server stored, Redis or not;
under the municipality's code when several are loaded, which the job, run for the tenant
that asked for it, reads again) and creates a dry-run job; the job runs ``run_import``,
held to the same limits as every import (``limits``). Its status page shows rows done of
total, then the same preview as a small import.
Confirming creates a second job that imports the same stored upload for real; it is refused
unless the same user's dry run of that upload succeeded without errors.

Both jobs run ``run_import``, so the rules are those of every import: all or nothing, every
row through the services as the importing user. The job's result is ``report.as_dict()``.
A job runs once however often it is delivered (the jobs app claims it first); a failed one
wrote nothing and may be retried while its upload is still stored. Should a worker die
after the import committed but before the job was marked done, running it again finds every
row unchanged: an import matches records by their natural key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from infrastructure.jobs.models import Job, JobStatus
from infrastructure.jobs.services import Progress, job_create, job_handler

from .importer import OUTCOME_LABELS, run_import

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

IMPORT_JOB = "import"


class ImportRefused(Exception):
    """The job cannot be created or run (no confirmable dry run, the upload has expired)."""


def tmp_storage(name: str | None = None):
    """The storage the admin's import view keeps uploads in (shared by web and worker)."""
    storage_class = import_string(
        getattr(
            settings,
            "IMPORT_EXPORT_TMP_STORAGE_CLASS",
            "infrastructure.imports.storage.UploadStorage",
        )
    )
    return storage_class(name=name, read_mode="rb")


def runs_in_background(size: int) -> bool:
    return size > settings.IMPORT_BACKGROUND_BYTES


def _expired() -> ImportRefused:
    return ImportRefused(
        _("アップロードの有効期限が切れました。もう一度ファイルを選んでください。")
    )


def import_job_start(*, user: AbstractBaseUser, kind: str, data: bytes, filename: str) -> Job:
    """Store the upload and queue its dry run (sent to the worker when the caller's
    transaction commits)."""
    storage = tmp_storage()
    storage.save(data)
    return job_create(
        kind=IMPORT_JOB,
        user=user,
        params={
            "sheet": kind,
            "token": storage.name,
            "filename": filename,
            "dry_run": True,
            "language": translation.get_language(),
        },
    )


def _check_confirmable(preview: Job | None, user: AbstractBaseUser | None) -> None:
    refused = ImportRefused(
        _("取り込めません。同じ人が同じファイルの確認（誤りなし）を済ませてください。")
    )
    if preview is None or user is None or preview.kind != IMPORT_JOB:
        raise refused
    result = preview.result or {}
    counts = result.get("counts") or {}
    if (
        preview.user_id != user.pk
        or not preview.params.get("dry_run")
        or preview.status != JobStatus.SUCCEEDED
        or not result.get("ok")
        or not (counts.get("new") or counts.get("changed"))
    ):
        raise refused


def import_job_confirm(*, preview: Job, user: AbstractBaseUser) -> Job:
    """Queue the real import of a dry run's upload. Refused unless ``user`` ran that dry run
    and it had no errors. Confirming twice gives the same job (unless it failed)."""
    with transaction.atomic():
        preview = Job.objects.select_for_update().get(pk=preview.pk)
        _check_confirmable(preview, user)
        earlier = (
            Job.objects.filter(kind=IMPORT_JOB, params__preview=preview.pk)
            .exclude(status=JobStatus.FAILED)
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            return earlier
        if tmp_storage(preview.params["token"]).read() is None:
            raise _expired()
        return job_create(
            kind=IMPORT_JOB,
            user=user,
            params={
                **{key: preview.params[key] for key in ("sheet", "token", "filename")},
                "dry_run": False,
                "preview": preview.pk,
                "language": translation.get_language(),
            },
        )


def import_job_retry(*, job: Job, user: AbstractBaseUser) -> Job:
    """Queue a failed import job again, with the same upload (while it is stored)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.kind != IMPORT_JOB or job.user_id != user.pk or job.status != JobStatus.FAILED:
            raise ImportRefused(_("この処理はやり直せません。"))
        retried = Job.objects.filter(kind=IMPORT_JOB, params__retry_of=job.pk).first()
        if retried is not None:
            return retried
        if tmp_storage(job.params["token"]).read() is None:
            raise _expired()
        if not job.params.get("dry_run"):
            _check_confirmable(Job.objects.filter(pk=job.params.get("preview")).first(), user)
        return job_create(kind=IMPORT_JOB, user=user, params={**job.params, "retry_of": job.pk})


@job_handler(IMPORT_JOB)
def import_job_run(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    dry_run = bool(params.get("dry_run", True))
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        if job.user is None:
            raise ImportRefused(_("依頼した利用者がいません。"))
        if not dry_run:
            _check_confirmable(Job.objects.filter(pk=params.get("preview")).first(), job.user)
        storage = tmp_storage(params["token"])
        data = storage.read()
        if data is None:
            raise _expired()
        report = run_import(
            data=data,
            filename=params["filename"],
            user=job.user,
            dry_run=dry_run,
            progress=progress,
            kind=params["sheet"],
        )
    if report.written:
        storage.remove()
    return report.as_dict()


def report_for_display(result: dict[str, Any]) -> dict[str, Any]:
    """A job's stored report, as the preview template reads an ``ImportReport``."""
    rows = [
        {**row, "outcome_label": str(OUTCOME_LABELS.get(row.get("outcome"), row.get("outcome")))}
        for row in result.get("rows", [])
    ]
    return {**result, "rows": rows}
