from django.shortcuts import get_object_or_404, render

from indicators.charts import chart_data, ward_chart
from indicators.choices import ValueOrigin
from indicators.models import Indicator
from indicators.selectors import reporting_years, series_by_indicator, ward_value_table
from portal.page_cache import public_page
from portal.views.plan import requested_plan, selected_fiscal_year


@public_page
def indicator_detail(request, code: str):
    """An indicator: its chart of baseline, actuals and target with the expected line, the
    values per ward (chart data as a table too), source, notes and downloads."""
    plan = requested_plan(request)
    indicator = get_object_or_404(
        Indicator.objects.filter(plan=plan).select_related("pillar", "section"), code=code
    )
    series = series_by_indicator([indicator])[indicator.pk]
    table = ward_value_table(indicator, request.user)
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "fiscal_year": selected_fiscal_year(request, plan),
            "years": reporting_years(plan),
            "series": series,
            "progress": series["progress"],
            "chart": chart_data(indicator, series),
            "table": table,
            "ward_chart": ward_chart(indicator, table),
            "notes": indicator.notes.splitlines(),
            "plan_values": indicator.values.filter(origin=ValueOrigin.PLAN).order_by("fiscal_year"),
        },
    )
