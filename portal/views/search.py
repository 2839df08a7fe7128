"""The search page: the plan's text, the indicators and the directory (``portal.search``)."""

from django.shortcuts import render

from infrastructure.response_cache import public_page
from portal.search import MAX_QUERY_LENGTH, SearchQueryError, search
from portal.views.plan import requested_plan


@public_page
def search_page(request):
    """Results grouped by kind, each linking to its page, the match marked in an excerpt.
    An empty query shows the form alone; a query too long answers 400 with why."""
    query = request.GET.get("q", "")
    plan = requested_plan(request)
    error, result = "", None
    try:
        result = search(query, plan=plan, keep_plan=bool(request.GET.get("plan")))
    except SearchQueryError as exc:
        error = str(exc)
    return render(
        request,
        "portal/search.html",
        {
            "site_search_query": query,
            "plan": plan,
            "plan_code": request.GET.get("plan", ""),
            "result": result if result and result.terms else None,
            "error": error,
            "max_length": MAX_QUERY_LENGTH,
        },
        status=400 if error else 200,
    )
