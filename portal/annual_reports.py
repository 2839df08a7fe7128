"""The annual evaluation report (施策評価) made in the background and stored.

``annual_report_request`` records the wish (and a job) in the caller's transaction; the
worker runs ``annual_report_generate`` through the ``annual_report`` job handler — on the
embedded default (no broker) in a thread of the web process, never inside the request that
asked — within ``REPORT_TIME_LIMIT`` seconds. A job that died on the way (its worker or
server killed: no heartbeat) is abandoned and a fresh one started by the next request for
the report. The report shows approved data only, as the public pages do, whoever asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.access import works_city_wide
from infrastructure.jobs.models import Job
from infrastructure.jobs.services import (
    JobTakenOver,
    job_abandon,
    job_create,
    job_handler,
    job_is_dead,
)
from infrastructure.workflow import Status
from portal.report_documents import report_html, report_pdf
from portal.reports import evaluation_context, evaluation_workbook
from programs.models import AnnualReport, AnnualReportStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

JOB_KIND = "annual_report"


def may_request_reports(user) -> bool:
    return works_city_wide(user)


def _on_its_way(report: AnnualReport) -> bool:
    """Whether a job is making the report now. A job that died on the way (no heartbeat for
    JOB_STALE_AFTER: its worker or server was killed) is abandoned, so the caller starts a
    fresh one instead of answering with it."""
    waiting = report.status in (AnnualReportStatus.QUEUED, AnnualReportStatus.RUNNING)
    if not (waiting and report.job and not report.job.finished):
        return False
    if job_is_dead(report.job) and job_abandon(report.job):
        return False
    return not report.job.finished


@transaction.atomic
def annual_report_request(*, fiscal_year: int, user: AbstractBaseUser) -> AnnualReport:
    """Ask for the fiscal year's report to be (re)made; planners and admins only. The last
    finished files stay available until the new ones replace them."""
    from indicators.selectors import reporting_years

    if not may_request_reports(user):
        raise PermissionDenied(gettext("年次報告書の作成は計画担当が行います。"))
    if fiscal_year not in reporting_years():
        raise ValidationError({"fiscal_year": gettext("この年度の報告はありません。")})
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        fiscal_year=fiscal_year
    )
    if _on_its_way(report):
        return report
    report.job = job_create(kind=JOB_KIND, user=user, params={"fiscal_year": fiscal_year})
    report.status = AnnualReportStatus.QUEUED
    report.requested_at = timezone.now()
    report.error = ""
    report.save()
    return report


@transaction.atomic
def annual_report_ensure(*, fiscal_year: int) -> AnnualReport:
    """Queue the year's report if none is stored or on its way, for a reader who asked for
    a file not made yet (the PDF at /reports/<fy>.pdf). A system job, not the reader's: at
    most one is queued at a time, whoever asks and however often."""
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        fiscal_year=fiscal_year
    )
    if _on_its_way(report):
        return report
    report.job = job_create(kind=JOB_KIND, params={"fiscal_year": fiscal_year})
    report.status = AnnualReportStatus.QUEUED
    report.requested_at = timezone.now()
    report.error = ""
    report.save()
    return report


STEPS = 4  # the context, the workbook, the page, the PDF; then the files are stored


def annual_report_generate(*, fiscal_year: int, progress=None) -> AnnualReport:
    """Make the workbook, the printable page and the PDF from approved data and store them.
    ``progress(done, total)`` after each step (a job's: it records the heartbeat and stops
    the work past the time limit, before anything is stored)."""
    progress = progress or (lambda done, total=None: None)
    AnnualReport.objects.filter(fiscal_year=fiscal_year).update(status=AnnualReportStatus.RUNNING)
    generated_at = timezone.now()
    with translation.override("ja"):
        context = evaluation_context(
            fiscal_year=fiscal_year, user=AnonymousUser(), generated_at=generated_at
        )
        progress(1, STEPS)
        workbook = evaluation_workbook(**context)
        progress(2, STEPS)
        page = report_html(context)
        progress(3, STEPS)
        pdf = report_pdf(context)
        progress(STEPS, STEPS)
    stamp = timezone.localtime(generated_at).strftime("%Y%m%d-%H%M%S")
    with transaction.atomic():
        report, _created = AnnualReport.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year
        )
        old = [f.name for f in (report.xlsx, report.html, report.pdf) if f]
        report.xlsx.save(f"evaluation-{fiscal_year}-{stamp}.xlsx", ContentFile(workbook), False)
        report.html.save(
            f"evaluation-{fiscal_year}-{stamp}.html", ContentFile(page.encode("utf-8")), False
        )
        report.pdf.save(f"evaluation-{fiscal_year}-{stamp}.pdf", ContentFile(pdf), False)
        report.generated_at = generated_at
        report.status = AnnualReportStatus.READY
        report.error = ""
        report.save()
    storage = report.xlsx.storage
    for name in old:
        if name not in (report.xlsx.name, report.html.name, report.pdf.name):
            storage.delete(name)
    return report


@job_handler(JOB_KIND, own_thread=True, time_limit="REPORT_TIME_LIMIT")
def _run(job: Job, progress) -> dict:
    fiscal_year = int(job.params["fiscal_year"])
    progress(0, STEPS)
    try:
        report = annual_report_generate(fiscal_year=fiscal_year, progress=progress)
    except JobTakenOver:
        raise  # another run makes the report now: leave its state alone
    except Exception as error:
        AnnualReport.objects.filter(fiscal_year=fiscal_year, job=job).update(
            status=AnnualReportStatus.FAILED, error=str(error)[:2000]
        )
        raise
    return {
        "fiscal_year": fiscal_year,
        "generated_at": report.generated_at.isoformat(),
        "xlsx": report.xlsx.name,
        "html": report.html.name,
        "pdf": report.pdf.name,
    }


def report_is_stale(report: AnnualReport) -> bool:
    """Whether anything the report prints changed after it was made: the rating rule or its
    bands (a switch or an edit), a target, an indicator, the plan's content (the plan, its
    pillars, sections, initiatives, challenges, actions and figures, a 所管課 set on an
    item), or an approval given or taken back (figures, initiatives' progress,
    evaluations). Until the report is made again, ``stale`` says so and a reader of the PDF
    queues a new one."""
    from evaluations.models import Evaluation, EvaluationTransition
    from indicators.models import (
        Indicator,
        IndicatorValueTransition,
        RatingBand,
        RatingRule,
        Target,
    )
    from programs.models import (
        Action,
        Challenge,
        Figure,
        Initiative,
        InitiativeProgressTransition,
        Pillar,
        Plan,
        Section,
    )

    if report.generated_at is None:
        return True
    since = report.generated_at
    if Target.objects.filter(set_at__gt=since).exists():
        return True  # a target was revised since: the evaluation may read differently
    # Every edit of these is in its history (simple_history), a deletion too.
    edited = (
        RatingRule,
        RatingBand,
        Target,
        Indicator,
        Plan,
        Pillar,
        Section,
        Initiative,
        Challenge,
        Action,
        Figure,
    )
    if any(model.history.filter(history_date__gt=since).exists() for model in edited):
        return True
    # An approved evaluation changed or deleted (the report prints approved ones only).
    if Evaluation.history.filter(history_date__gt=since, status=Status.APPROVED).exists():
        return True
    return any(
        model.objects.filter(at__gt=since, transition__in=["approve", "reopen"]).exists()
        for model in (IndicatorValueTransition, InitiativeProgressTransition, EvaluationTransition)
    )
