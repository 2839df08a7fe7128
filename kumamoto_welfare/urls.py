from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kumamoto_welfare.health import healthz
from portal.views import completeness, plan, wards
from portal.views import indicators as indicator_views

admin.site.site_header = _("熊本市地域福祉計画 進捗管理")
admin.site.site_title = _("熊本市地域福祉計画 進捗管理")
admin.site.index_title = _("管理メニュー")

urlpatterns = [
    path("", plan.home, name="home"),
    path("pillars/<int:number>/", plan.pillar_detail, name="pillar"),
    path("indicators/<str:code>/", indicator_views.indicator_detail, name="indicator"),
    path("wards/<str:name>/", wards.ward_detail, name="ward"),
    path("consult/", wards.consult, name="consult"),
    path("reports/<int:fiscal_year>/", plan.report, name="report"),
    path("reports/<int:fiscal_year>.xlsx", plan.report_xlsx, name="report-xlsx"),
    path(
        "admin/completeness/",
        admin.site.admin_view(completeness.completeness),
        name="admin-completeness",
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kumamoto_welfare.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a second request (?script), so
    # the page needs no inline script under the Content-Security-Policy.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
