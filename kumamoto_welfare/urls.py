from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from community import views as community_views
from indicators import views as indicator_views
from kumamoto_welfare import admin_views
from kumamoto_welfare.context_processors import admin_site_header
from kumamoto_welfare.health import healthz
from programs import views as program_views

# The header names the plan: from the data, read each time a page is drawn.
admin.site.site_header = lazy(admin_site_header, str)()
admin.site.site_title = lazy(admin_site_header, str)()
admin.site.index_title = _("管理メニュー")

urlpatterns = [
    path("", program_views.home, name="home"),
    path("pillars/<int:number>/", program_views.pillar_detail, name="pillar"),
    path("indicators/<str:code>/", indicator_views.indicator_detail, name="indicator"),
    path("wards/<str:name>/", community_views.ward_detail, name="ward"),
    path("consult/", community_views.consult, name="consult"),
    path("reports/<int:fiscal_year>/", program_views.report, name="report"),
    path("reports/<int:fiscal_year>.xlsx", program_views.report_xlsx, name="report-xlsx"),
    path(
        "admin/completeness/",
        admin.site.admin_view(admin_views.completeness),
        name="admin-completeness",
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kumamoto_welfare.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
