from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from infrastructure.converters import FiscalYearConverter
from infrastructure.health import healthz
from portal.context_processors import admin_site_header
from portal.views import (
    completeness,
    demo_data,
    favicon,
    mail_settings,
    plan,
    prefecture,
    search,
    wards,
    yasashii,
)
from portal.views import indicators as indicator_views
from portal.views import open_data as open_data_views

# The header names the plan: from the data, read each time a page is drawn.
admin.site.site_header = lazy(admin_site_header, str)()
admin.site.site_title = lazy(admin_site_header, str)()
admin.site.index_title = _("管理メニュー")
register_converter(FiscalYearConverter, "fiscal_year")

urlpatterns = [
    # The API first: its answers are the most asked for, and every pattern tried before the
    # one that matches costs a little on every request. (No page's path starts with api/v1/.)
    path("api/v1/", include("kumamoto_welfare.api_urls")),
    path("", plan.home, name="home"),
    path("pillars/<int:number>/", plan.pillar_detail, name="pillar"),
    path("indicators/<str:code>/", indicator_views.indicator_detail, name="indicator"),
    path("wards/<str:name>/", wards.ward_detail, name="ward"),
    path("consult/", wards.consult, name="consult"),
    path("yasashii/", yasashii.home, name="yasashii"),
    path("yasashii/consult/", yasashii.consult, name="yasashii-consult"),
    path("yasashii/indicators/", yasashii.indicators, name="yasashii-indicators"),
    path("search/", search.search_page, name="search"),
    path("pref/<str:prefecture>/", prefecture.prefecture, name="prefecture"),
    path("reports/<fiscal_year:fiscal_year>/", plan.report, name="report"),
    path("reports/<fiscal_year:fiscal_year>.pdf", plan.report_pdf, name="report-pdf"),
    path("reports/<fiscal_year:fiscal_year>.xlsx", plan.report_xlsx, name="report-xlsx"),
    path("opendata/", open_data_views.catalogue, name="opendata"),
    path("opendata/datapackage.json", open_data_views.datapackage, name="opendata-datapackage"),
    path("opendata/all.zip", open_data_views.all_zip, name="opendata-zip"),
    path("opendata/<slug:slug>.csv", open_data_views.dataset_csv, name="opendata-csv"),
    path("opendata/<slug:slug>.xlsx", open_data_views.dataset_xlsx, name="opendata-xlsx"),
    path(
        "admin/completeness/",
        admin.site.admin_view(completeness.completeness),
        name="admin-completeness",
    ),
    path(
        "admin/sample-data/",
        admin.site.admin_view(demo_data.demo_data),
        name="admin-demo-data",
    ),
    path(
        "admin/mail-settings/",
        admin.site.admin_view(mail_settings.mail_settings),
        name="admin-mail-settings",
    ),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: the static file answers.
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Without a CSRF token: choosing a language changes nothing but the visitor's own cookie,
    # and a token in every page's language form would make each public page personal (one
    # cookie per visitor) and so uncacheable (infrastructure.response_cache).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a second request (?script), so
    # the page needs no inline script under the Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
