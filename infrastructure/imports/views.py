"""The admin's import, template and export pages, as plain view functions.

``ProgressImportMixin`` (``imports.admin``) wires them into a ModelAdmin; they take the sheet
kind and the admin site, so they can also be mounted and tested on their own.

Import: upload (always a dry run first) → preview: new / changed / unchanged rows, or the
errors (行 / 列 / 理由) → confirm, which reads the stored upload again and imports it for
real, all or nothing. The upload waits in django-import-export's tmp storage (a file in
the media storage, shared by every web server: ``IMPORT_EXPORT_TMP_STORAGE_CLASS``,
``storage.UploadStorage``), under a name kept in the user's session, so nobody can confirm
another person's upload. The upload is held to the import's limits while it streams in
(``uploads``), and the file to them while it is read (``limits``).

An upload over ``IMPORT_BACKGROUND_BYTES`` runs as jobs instead (``imports.background``):
the dry run and the confirm each on the worker, followed on ``import_job_view``, the
import's status page (progress, then the same preview or result).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infrastructure import policy
from infrastructure.fiscal_year import current_fiscal_year, reporting_years
from infrastructure.forms import fiscal_year_choices
from infrastructure.jobs.models import Job, JobStatus

from .background import (
    IMPORT_JOB,
    ImportRefused,
    import_job_confirm,
    import_job_retry,
    import_job_start,
    report_for_display,
    runs_in_background,
    tmp_storage,
)
from .importer import run_import
from .sheets import SHEETS
from .uploads import ImportUploadForm
from .workbooks import (
    CSV_CP932,
    CSV_UTF8,
    XLSX,
    build_template,
    export_file,
    template_filename,
)

SESSION_KEY = "progress_imports"


def _model(kind: str):
    from django.apps import apps

    return apps.get_model(SHEETS[kind].model_label)


def _require(request, kind: str, code: str) -> None:
    opts = _model(kind)._meta
    user = request.user
    if not user.is_active or not user.has_perm(f"{opts.app_label}.{code}_{opts.model_name}"):
        raise PermissionDenied


def import_permission_code() -> str:
    return getattr(settings, "IMPORT_EXPORT_IMPORT_PERMISSION_CODE", None) or "add"


def export_permission_code() -> str:
    return getattr(settings, "IMPORT_EXPORT_EXPORT_PERMISSION_CODE", None) or "view"


def _context(request, kind: str, site, title: str, **extra) -> dict:
    site = site or admin.site
    return {
        **site.each_context(request),
        "opts": _model(kind)._meta,
        "sheet": SHEETS[kind],
        "title": title,
        **extra,
    }


class UploadForm(ImportUploadForm):
    file = forms.FileField(
        label=gettext_lazy("ファイル（xlsx または CSV）"),
        help_text=gettext_lazy("CSV は UTF-8（BOM あり・なし）か Shift_JIS（CP932）。"),
        required=False,  # ImportUploadForm.clean_file: "too large" or "no file"
        widget=forms.ClearableFileInput(attrs={"required": True}),
    )


def import_view(request, kind: str, *, site=None):
    """GET: the upload form. POST a file: the dry run's preview. POST ``token``: confirm."""
    _require(request, kind, import_permission_code())
    pending = request.session.get(SESSION_KEY, {})
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        entry = pending.get(token)
        data = tmp_storage(token).read() if entry and entry["kind"] == kind else None
        if data is None:
            context = _context(
                request,
                kind,
                site,
                _("取り込み"),
                form=UploadForm(),
                expired=_("アップロードの有効期限が切れました。もう一度ファイルを選んでください。"),
            )
            return render(request, "admin/imports/upload.html", context, status=400)
        report = run_import(
            data=data, filename=entry["filename"], user=request.user, dry_run=False, kind=kind
        )
        tmp_storage(token).remove()
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        return render(
            request,
            "admin/imports/preview.html",
            _context(request, kind, site, _("取り込みの結果"), report=report, form=UploadForm()),
            status=200 if report.ok else 400,
        )

    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, request=request)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            if runs_in_background(len(data)):
                with transaction.atomic():  # the job is sent (eagerly: run) on commit
                    job = import_job_start(
                        user=request.user, kind=kind, data=data, filename=upload.name
                    )
                return redirect(_job_url(kind, site, job.pk))
            report = run_import(
                data=data, filename=upload.name, user=request.user, dry_run=True, kind=kind
            )
            token = None
            if report.ok and (report.counts["new"] or report.counts["changed"]):
                storage = tmp_storage()
                storage.save(data)
                token = storage.name
                pending[token] = {"kind": kind, "filename": upload.name}
                request.session[SESSION_KEY] = pending
            return render(
                request,
                "admin/imports/preview.html",
                _context(
                    request,
                    kind,
                    site,
                    _("取り込みの確認"),
                    report=report,
                    token=token,
                    form=UploadForm(),
                ),
                status=200 if report.ok else 400,
            )
    else:
        form = UploadForm()
    return render(
        request,
        "admin/imports/upload.html",
        _context(request, kind, site, _("取り込み"), form=form),
    )


def _admin_url(kind: str, site, name: str, *args) -> str:
    opts = _model(kind)._meta
    site = site or admin.site
    return reverse(
        f"{site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args, current_app=site.name
    )


def _job_url(kind: str, site, job_id: int) -> str:
    return _admin_url(kind, site, "import_job", job_id)


def import_job_view(request, kind: str, job_id: int, *, site=None):
    """A background import's status page: progress while it runs, then the dry run's
    preview (with the confirm button) or the import's result, or its error (with a retry
    button). POST ``token`` confirms the dry run; POST ``retry`` runs a failed job again.
    Only the user who started the import sees it (anyone else: 404)."""
    _require(request, kind, import_permission_code())
    job = Job.objects.filter(pk=job_id, kind=IMPORT_JOB, user=request.user).first()
    if job is None or job.params.get("sheet") != kind:
        raise Http404
    refused = None
    if request.method == "POST":
        try:
            if "retry" in request.POST:
                following = import_job_retry(job=job, user=request.user)
            elif request.POST.get("token") == job.params.get("token"):
                following = import_job_confirm(preview=job, user=request.user)
            else:
                raise ImportRefused(_("この処理はやり直せません。"))
        except ImportRefused as error:
            refused = str(error)
        else:
            return redirect(_job_url(kind, site, following.pk))
    dry_run = bool(job.params.get("dry_run"))
    report = report_for_display(job.result) if job.status == JobStatus.SUCCEEDED else None
    confirmable = (
        dry_run
        and report is not None
        and report.get("ok")
        and (report["counts"].get("new") or report["counts"].get("changed"))
    )
    if job.status == JobStatus.SUCCEEDED:
        title = _("取り込みの確認") if dry_run else _("取り込みの結果")
    elif job.status == JobStatus.FAILED:
        title = _("取り込みに失敗しました")
    else:
        title = _("取り込みの確認中") if dry_run else _("取り込み中")
    context = _context(
        request,
        kind,
        site,
        title,
        job=job,
        dry_run=dry_run,
        report=report,
        token=job.params.get("token") if confirmable else None,
        retryable=job.status == JobStatus.FAILED
        and tmp_storage(job.params.get("token")).read() is not None,
        refused=refused,
        upload_url=_admin_url(kind, site, "import"),
        form=UploadForm(),
    )
    return render(request, "admin/imports/job.html", context, status=400 if refused else 200)


def _reporting_years() -> list[int]:
    """The plan's reporting years, newest first; the current one before a plan is loaded."""
    return reporting_years()[::-1] or [current_fiscal_year()]


class TemplateForm(forms.Form):
    ward = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=gettext_lazy("市全体"),
    )
    fiscal_year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)

    def __init__(self, *args, user, model, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = fiscal_year_choices(_reporting_years())
        if wards is None or not wards.exists():
            # A sheet kept per plan item, not per ward (施策評価); or a municipality without
            # areas, whose every record is city-wide.
            del self.fields["ward"]
            return
        self.fields["ward"].queryset = wards
        # The municipality's word for its areas (区, 地区 …): the ward model's own label.
        self.fields["ward"].label = wards.model._meta.verbose_name
        own = policy.choices(user, model, "ward", wards)
        if own is not None:
            # A ward officer's template is for their own ward, a department officer's for the
            # city as a whole, whatever is asked for.
            self.fields["ward"].queryset = own
            own = own.first()
            self.fields["ward"].required = own is not None
            if own is not None:
                self.fields["ward"].empty_label = None
            self.fields["ward"].initial = own
            self.fields["ward"].disabled = True


def template_view(request, kind: str, *, site=None):
    """GET: choose the ward (fixed for a ward officer) and the year; with them, download."""
    _require(request, kind, import_permission_code())
    # A sheet whose records are kept per ward: the choices are the ward field's.
    fields = {field.name: field for field in _model(kind)._meta.get_fields()}
    wards = fields["ward"].related_model.objects.all() if "ward" in fields else None
    form = TemplateForm(request.GET or None, user=request.user, model=_model(kind), wards=wards)
    if form.is_bound and form.is_valid():
        ward, year = form.cleaned_data.get("ward"), form.cleaned_data["fiscal_year"]
        response = HttpResponse(
            build_template(kind, ward=ward, fiscal_year=year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = template_filename(kind, ward=ward, fiscal_year=year)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "admin/imports/template.html",
        _context(request, kind, site, _("テンプレートのダウンロード"), form=form),
    )


EXPORT_CHOICES = [
    (XLSX, gettext_lazy("Excel（xlsx）")),
    (CSV_UTF8, gettext_lazy("CSV（UTF-8）")),
    (CSV_CP932, gettext_lazy("CSV（Shift_JIS）")),
]


def export_view(request, kind: str, *, site=None):
    """GET: the formats; with ``?format=``, the export of what the user may see."""
    _require(request, kind, export_permission_code())
    file_format = request.GET.get("format")
    if file_format in dict(EXPORT_CHOICES):
        content, content_type, name = export_file(kind, request.user, file_format)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "admin/imports/export.html",
        _context(request, kind, site, _("エクスポート"), formats=EXPORT_CHOICES),
    )
