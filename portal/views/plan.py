"""The pages: the plan at a glance, a pillar, the yearly evaluation report.

Every figure comes from the domain selectors the API uses too; the pages only arrange it.
Public visitors see approved data; signed-in staff also see what their role lets them see,
marked as such."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from kumamoto_welfare.fiscal_year import FiscalYearError, parse_fiscal_year
from kumamoto_welfare.response_cache import public_page
from portal.pages import progress_grid
from portal.reports import evaluation_context, evaluation_workbook
from programs.models import Initiative, Pillar, Plan
from programs.selectors import UnknownPlanError, plan_by_code


def requested_plan(request) -> Plan | None:
    """The plan a page shows: ``?plan=<code>``, else the current plan (404 for an unknown
    code)."""
    try:
        return plan_by_code(request.GET.get("plan"))
    except UnknownPlanError as error:
        raise Http404(_("この計画はありません。")) from error


def selected_fiscal_year(request, plan: Plan | None = None) -> int:
    """The fiscal year asked for (?fiscal_year=H28 …), or the latest with data."""
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
    """The plan at a glance: each pillar's indicators by status and mean achievement as of
    the selected fiscal year, every indicator's progress, and what changed recently."""
    plan = requested_plan(request)
    year = selected_fiscal_year(request, plan)
    pillars = list(Pillar.objects.filter(plan=plan).prefetch_related("sections"))
    rows = indicators_with_progress(up_to=year, plan=plan)
    summaries = pillar_summaries(pillars, rows)
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
            "rows": rows,
            "recent": recent_approvals(),
        },
    )


@public_page
def pillar_detail(request, number: int):
    """A pillar: its overview, sections with 現状と課題, initiatives and actions, figures,
    this year's progress per ward, and its indicators with small trend charts."""
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
    """施策評価: every pillar's indicators with baseline, actual, target, achievement, status
    and rating, and each initiative's state per ward; prints on A4."""
    plan = requested_plan(request)
    if fiscal_year not in reporting_years(plan):
        raise Http404(_("この年度の報告はありません。"))
    if "fiscal_year" in request.GET:  # the year selector of the page itself
        chosen = selected_fiscal_year(request, plan)
        if chosen != fiscal_year:
            url = reverse("report", args=[chosen])
            return redirect(f"{url}?plan={plan.code}" if "plan" in request.GET else url)
    return render(request, "programs/report.html", _report_context(request, fiscal_year, plan))


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
    return evaluation_context(fiscal_year=fiscal_year, user=request.user, plan=plan)
