from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from indicators.charts import chart_data, ward_chart
from indicators.models import Indicator
from indicators.rating_labels import rule_label
from indicators.selectors import (
    active_rule,
    plan_figures,
    reporting_years,
    series_by_indicator,
    ward_value_table,
)
from infrastructure.response_cache import public_page
from portal.views.plan import requested_plan, selected_fiscal_year


@public_page
def indicator_detail(request, code: str):
    """An indicator as of the selected fiscal year: its chart of baseline, actuals and every
    target (the original and each revision) with the expected line, its verdict and the rule
    that gave it, its targets, the values per ward (chart data as a table too), source,
    notes and downloads."""
    plan = requested_plan(request)
    indicator = get_object_or_404(
        Indicator.objects.filter(plan=plan).select_related("pillar", "section"), code=code
    )
    year = selected_fiscal_year(request, plan)
    series = series_by_indicator([indicator], fiscal_year=year)[indicator.pk]
    table = ward_value_table(indicator, request.user)
    # Each cell with its column's name, for the table stacked on a phone.
    columns = [_("市全体"), *(ward.name for ward in table["wards"])]
    for row in table["rows"]:
        row["labelled"] = list(zip(columns, row["cells"], strict=True))
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "fiscal_year": year,
            "years": reporting_years(plan),
            "series": series,
            "progress": series["progress"],
            "rating_rule": rule_label(active_rule()),
            "chart": chart_data(indicator, series),
            "table": table,
            "ward_chart": ward_chart(indicator, table),
            "notes": indicator.notes.splitlines(),
            "plan_values": plan_figures(indicator),
            "targets": series["targets"],
        },
    )
