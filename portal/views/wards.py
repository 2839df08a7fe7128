from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from community.models import LifeStage, Ward
from community.selectors import (
    UnknownWardError,
    consultation_places,
    life_stage_named,
    ward_named,
)
from indicators.charts import achievement_chart
from indicators.selectors import indicators_with_progress, reporting_years, ward_completeness
from infrastructure.response_cache import public_page
from portal.views.plan import selected_fiscal_year


@public_page
def ward_detail(request, name: str):
    """A ward: how complete its reporting is for the fiscal year, and its figures against the
    city's. The path names the ward by its name, its code or its 全国地方公共団体コード alike
    (``community.selectors.ward_named``)."""
    try:
        ward = ward_named(name)
    except UnknownWardError as error:
        raise Http404(str(error)) from error
    if ward is None:
        raise Http404()
    year = selected_fiscal_year(request)
    city = indicators_with_progress(up_to=year)
    own = dict(indicators_with_progress(up_to=year, ward_id=ward.pk))
    return render(
        request,
        "community/ward.html",
        {
            "ward": ward,
            "wards": Ward.objects.all(),
            "fiscal_year": year,
            "years": reporting_years(),
            "completeness": ward_completeness([ward], fiscal_year=year, scope=request.user)[0],
            "rows": [(indicator, progress, own[indicator]) for indicator, progress in city],
            "chart": achievement_chart(
                [indicator.code for indicator, _p in city],
                [
                    ("ward", ward.display_name, [own[i].achievement_rate for i, _p in city]),
                    ("city", _("市全体"), [p.achievement_rate for _i, p in city]),
                ],
            ),
        },
    )


def finder_choices(request) -> dict:
    """What the consultation finder shows for ``request``'s GET query (life_stage, ward): the
    choices, the chosen ones, and the places. Nothing chosen is every stage in every ward, so
    the page is never empty before the form is sent. An unknown value is an error naming its
    field (the page answers 400), and that choice is dropped."""
    errors = {}
    life_stage = ward = None
    if raw := request.GET.get("life_stage", "").strip():
        life_stage = life_stage_named(raw)
        if life_stage is None:
            errors["life_stage"] = _("ライフステージ「%(value)s」はありません。") % {"value": raw}
    try:
        ward = ward_named(request.GET.get("ward"))
    except UnknownWardError as error:
        errors["ward"] = str(error)
    return {
        "life_stages": LifeStage.objects.all(),
        "wards": Ward.objects.all(),
        "life_stage": life_stage,
        "ward": ward,
        "errors": errors,
        "places": list(consultation_places(life_stage=life_stage, ward=ward)),
    }


def consult(request):
    """'Where can I consult?': the directory's consultation bodies by life stage and ward.
    A plain GET form, so it works without JavaScript; every place shows until one chooses."""
    choices = finder_choices(request)
    return render(
        request, "community/consult.html", choices, status=400 if choices["errors"] else 200
    )
