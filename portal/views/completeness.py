"""Admin pages that are not one model's: the reporting completeness of a fiscal year."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from community import access
from community.models import Ward
from indicators.selectors import (
    reporting_matrix,
    reporting_years,
    ward_completeness,
)
from infrastructure.fiscal_year import fiscal_year_label
from infrastructure.forms import fiscal_year_choices
from portal.views.plan import selected_fiscal_year


def completeness(request):
    """City-wide and per ward, which indicators and initiatives have draft, submitted,
    approved or no record for a fiscal year. Planners see every ward; a ward officer sees
    their own. Everyone sees the city-wide records (a department's, say) as far as the
    access policy lets them: planners every status, others the approved ones. A city
    without wards has the city-wide column and row alone."""
    if access.scope_of(request.user).role is None:  # a role here (not in another city)
        raise PermissionDenied
    fiscal_year = selected_fiscal_year(request)
    wards = access.wards_in_full(request.user, Ward.objects.all())
    matrix = reporting_matrix(wards, fiscal_year=fiscal_year, city_wide_for=request.user)
    counts = ward_completeness(
        matrix["wards"], fiscal_year=fiscal_year, scope=request.user, city_wide=True
    )
    context = {
        **admin.site.each_context(request),
        "title": _("報告の状況（%(year)s）") % {"year": fiscal_year_label(fiscal_year)},
        "fiscal_year": fiscal_year,
        "years": fiscal_year_choices(reporting_years()),
        "counts": counts,
        **matrix,
    }
    return TemplateResponse(request, "admin/progress/completeness.html", context)
