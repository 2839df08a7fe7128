"""The pages: the plan at a glance, a pillar, the yearly evaluation report.

Every figure comes from the domain selectors the API uses too; the pages only arrange it.
Public visitors see approved data; signed-in staff also see what their role lets them see,
marked as such."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _

from indicators.charts import achievement_chart, chart_data
from indicators.models import Indicator
from indicators.selectors import (
    default_fiscal_year,
    indicators_with_progress,
    pillar_summaries,
    recent_approvals,
    reporting_years,
    series_by_indicator,
)
from infrastructure.fiscal_year import FiscalYearError, parse_fiscal_year
from infrastructure.response_cache import public_page
from portal.annual_reports import annual_report_ensure, report_is_stale
from portal.pages import (
    approved_evaluations_for,
    explained,
    needing_attention,
    progress_grid,
)
from portal.report_documents import report_html
from portal.reports import evaluation_context, evaluation_workbook
from programs.models import AnnualReport, Initiative, Pillar, Plan
from programs.selectors import UnknownPlanError, plan_by_code


def requested_plan(request) -> Plan | None:
    """The plan a page shows: ``?plan=<code>``, else the current plan (404 for an unknown
    code)."""
    try:
        return plan_by_code(request.GET.get("plan"))
    except UnknownPlanError as error:
        raise Http404(_("この計画はありません。")) from error


def selected_fiscal_year(request, plan: Plan | None = None) -> int:
    """The fiscal year asked for (?fiscal_year=H28 …) where the plan reports on it, else the
    one the pages show first (``indicators.selectors.default_fiscal_year``)."""
    raw = request.GET.get("fiscal_year")
    if raw:
        try:
            year = parse_fiscal_year(raw)
        except FiscalYearError:
            year = None
        if year in reporting_years(plan):
            return year
    return default_fiscal_year(plan)


@public_page
def home(request):
    """The plan at a glance: first the indicators that are behind or missed their target,
    each with why (expected by now against actual, and the approved 要因分析); then each
    pillar's indicators by status and mean achievement as of the selected fiscal year, every
    indicator's progress, and what changed recently."""
    plan = requested_plan(request)
    year = selected_fiscal_year(request, plan)
    pillars = list(Pillar.objects.filter(plan=plan).prefetch_related("sections"))
    rows = indicators_with_progress(up_to=year, plan=plan)
    summaries = pillar_summaries(pillars, rows)
    evaluations = approved_evaluations_for(year, plan) if plan else {}
    return render(
        request,
        "programs/home.html",
        {
            "plan": plan,
            "fiscal_year": year,
            "years": reporting_years(plan),
            "summaries": summaries,
            "chart": achievement_chart(
                [_("施策%(number)s") % {"number": p.number} for p in pillars],
                [("mean", _("平均達成率"), [row["mean_achievement_rate"] for row in summaries])],
            ),
            "attention": needing_attention(rows, evaluations),
            "rows": rows,
            "recent": recent_approvals(),
        },
    )


@public_page
def pillar_detail(request, number: int):
    """A pillar: first the year's status (its indicators' verdicts, why the late ones are
    late) and its approved evaluation, its indicators with small trend charts and this
    year's progress per ward; then the plan's text (overview, sections with 現状と課題,
    initiatives and actions, figures), folded."""
    plan = requested_plan(request)
    year = selected_fiscal_year(request, plan)
    pillar = get_object_or_404(
        Pillar.objects.filter(plan=plan).prefetch_related(
            "sections__challenges",
            "sections__actions",
            "sections__figures",
            "challenges",
            "figures",
        ),
        number=number,
    )
    initiatives = Initiative.objects.filter(pillar=pillar).prefetch_related("actions")
    by_section: dict = {}
    for initiative in initiatives:
        by_section.setdefault(initiative.section_id, []).append(initiative)
    indicators = list(Indicator.objects.filter(pillar=pillar).select_related("pillar", "section"))
    series = series_by_indicator(indicators, fiscal_year=year)
    evaluations = approved_evaluations_for(year, plan).get(pillar.pk, [])
    rows = [(indicator, series[indicator.pk]["progress"]) for indicator in indicators]
    return render(
        request,
        "programs/pillar.html",
        {
            "pillar": pillar,
            "fiscal_year": year,
            "years": reporting_years(plan),
            "sections": [
                {"section": s, "initiatives": by_section.get(s.pk, [])}
                for s in pillar.sections.all()
            ],
            "own_challenges": [c for c in pillar.challenges.all() if c.section_id is None],
            "own_initiatives": by_section.get(None, []),
            "own_figures": [f for f in pillar.figures.all() if f.section_id is None],
            "status_rows": explained(rows, {pillar.pk: evaluations}),
            "evaluations": evaluations,
            "grid": progress_grid(pillar=pillar, fiscal_year=year, user=request.user),
            "indicators": [
                {
                    "indicator": indicator,
                    "series": series[indicator.pk],
                    "chart": chart_data(indicator, series[indicator.pk]),
                }
                for indicator in indicators
            ],
        },
    )


@public_page
def report(request, fiscal_year: int):
    """施策評価書, the printable page: the same template as the PDF (cover, contents, every
    pillar's indicators with their figures, verdicts and charts, each initiative's state
    and the approved evaluations); prints on A4."""
    plan = requested_plan(request)
    if fiscal_year not in reporting_years(plan):
        raise Http404(_("この年度の報告はありません。"))
    if "fiscal_year" in request.GET:  # the year selector of the page itself
        chosen = selected_fiscal_year(request, plan)
        if chosen != fiscal_year:
            url = reverse("report", args=[chosen])
            return redirect(f"{url}?plan={plan.code}" if "plan" in request.GET else url)
    page = report_html(_report_context(request, fiscal_year, plan), request=request, live=True)
    return HttpResponse(page)


# How long a reader waits before the pending page asks again for the PDF.
PDF_RETRY_SECONDS = 10


def report_pdf(request, fiscal_year: int):
    """施策評価書 as PDF (A4), made by the worker from approved data of the current plan and
    stored. A stored PDF is served at once (regeneration is queued if data changed since);
    before the first one exists, the request queues it and answers 202 with a page that
    asks again shortly."""
    if fiscal_year not in reporting_years():
        raise Http404(_("この年度の報告はありません。"))
    report = AnnualReport.objects.select_related("job").filter(fiscal_year=fiscal_year).first()
    if report is not None and report.generated_at and report.pdf:
        if report_is_stale(report):
            annual_report_ensure(fiscal_year=fiscal_year)  # the next reader gets the new one
        response = FileResponse(
            report.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"evaluation-{fiscal_year}.pdf",
        )
        response["Last-Modified"] = http_date(report.generated_at.timestamp())
        response["X-Generated-At"] = report.generated_at.isoformat()
        return response
    report = annual_report_ensure(fiscal_year=fiscal_year)
    response = render(
        request,
        "programs/report_pending.html",
        {"fiscal_year": fiscal_year, "report": report, "retry": PDF_RETRY_SECONDS},
        status=202,
    )
    response["Retry-After"] = str(PDF_RETRY_SECONDS)
    return response


def report_xlsx(request, fiscal_year: int):
    plan = requested_plan(request)
    if fiscal_year not in reporting_years(plan):
        raise Http404(_("この年度の報告はありません。"))
    content = evaluation_workbook(**_report_context(request, fiscal_year, plan))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluation-{fiscal_year}.xlsx"'
    return response


def _report_context(request, fiscal_year: int, plan: Plan | None) -> dict:
    """As the visitor may see it: approved data for the public, drafts marked for staff."""
    return evaluation_context(fiscal_year=fiscal_year, user=request.user, plan=plan)
