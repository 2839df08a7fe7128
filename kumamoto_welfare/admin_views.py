"""Admin pages that are not one model's: the reporting completeness of a fiscal year."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from community.models import Ward
from indicators.selectors import (
    default_fiscal_year,
    reporting_matrix,
    reporting_years,
    ward_completeness,
)
from kumamoto_welfare import access
from kumamoto_welfare.fiscal_year import FiscalYearError, fiscal_year_label, parse_fiscal_year


def completeness(request):
    """Per ward, which indicators and initiatives have draft, submitted, approved or no
    record for a fiscal year. Planners see every ward; a ward officer sees their own."""
    if access.role_of(request.user) is None:
        raise PermissionDenied
    years = reporting_years()
    try:
        fiscal_year = parse_fiscal_year(request.GET.get("fiscal_year") or default_fiscal_year())
    except FiscalYearError:
        fiscal_year = default_fiscal_year()
    wards = Ward.objects.all()
    if not access.may_ever(request.user, access.APPROVE):
        wards = wards.filter(pk=getattr(access.ward_of(request.user), "pk", None))
    matrix = reporting_matrix(wards, fiscal_year=fiscal_year)
    counts = ward_completeness(matrix["wards"], fiscal_year=fiscal_year, include_unapproved=True)
    context = {
        **admin.site.each_context(request),
        "title": _("報告の状況（%(year)s）") % {"year": fiscal_year_label(fiscal_year)},
        "fiscal_year": fiscal_year,
        "years": [(year, fiscal_year_label(year)) for year in years],
        "counts": counts,
        **matrix,
    }
    return TemplateResponse(request, "admin/progress/completeness.html", context)
