"""The prefecture's page: its municipalities side by side for a fiscal year
(``portal.prefecture``), approved data only, the same for every reader."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from indicators.choices import STATUS_MARKS, ProgressStatus
from infrastructure.response_cache import public_page
from portal.prefecture import UnknownPrefectureError, prefecture_year


@public_page
def prefecture(request, prefecture: str):
    """Each municipality of the prefecture: its plan and period, its indicators by status,
    the year's evaluations and whether its council report is final; then the common
    indicators (共通指標) side by side, per 1,000 residents where the population is known."""
    try:
        view = prefecture_year(prefecture, request.GET.get("fiscal_year"))
    except UnknownPrefectureError as error:
        raise Http404(_("この都道府県の自治体はありません。")) from error
    return render(
        request,
        "portal/prefecture.html",
        {
            "view": view,
            "fiscal_year": view.fiscal_year,
            "years": view.years,
            "statuses": [(STATUS_MARKS[s], s.label) for s in ProgressStatus],
        },
    )
