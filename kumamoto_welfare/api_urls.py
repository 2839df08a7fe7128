from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from community.api.views import (
    CommunityResourceViewSet,
    ConsultationView,
    HealthTownPlanningViewSet,
    MunicipalityView,
    SchoolDistrictViewSet,
    VolunteerHeadcountViewSet,
    VolunteerProgramViewSet,
    WardViewSet,
)
from evaluations.api.views import EvaluationViewSet
from indicators.api.views import (
    DashboardView,
    IndicatorValueViewSet,
    IndicatorViewSet,
    RatingRuleViewSet,
)
from infrastructure.accounts.views import TokenView
from infrastructure.api.errors import NotFoundView
from infrastructure.jobs.api import JobView
from portal.api import AnnualReportFileView, AnnualReportView, PrefectureView, SearchView
from programs.api.views import (
    InitiativeProgressViewSet,
    InitiativeViewSet,
    PillarViewSet,
    SectionViewSet,
)

router = DefaultRouter()
# The public summaries first, as the most asked for (see urlpatterns below).
router.register("indicators", IndicatorViewSet)
router.register("pillars", PillarViewSet)
router.register("sections", SectionViewSet)
router.register("initiatives", InitiativeViewSet)
router.register("wards", WardViewSet)
router.register("school-districts", SchoolDistrictViewSet)
router.register("indicator-values", IndicatorValueViewSet)
router.register("rating-rules", RatingRuleViewSet)
router.register("initiative-progress", InitiativeProgressViewSet)
router.register("evaluations", EvaluationViewSet)
router.register("community-resources", CommunityResourceViewSet)
router.register("health-town-planning", HealthTownPlanningViewSet)
router.register("volunteer-programs", VolunteerProgramViewSet, basename="volunteerprogram")
router.register("volunteer-headcounts", VolunteerHeadcountViewSet)

urlpatterns = [
    # The single routes before the router's: a path the router does not know costs a miss on
    # every one of its patterns (each with a format suffix) and a list of what was tried, on
    # every request.
    path("municipality/", MunicipalityView.as_view(), name="municipality"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("consultation/", ConsultationView.as_view(), name="consultation"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("pref/<str:prefecture>/", PrefectureView.as_view(), name="api-prefecture"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("reports/<str:fiscal_year>/", AnnualReportView.as_view(), name="annual-report"),
    path(
        "reports/<str:fiscal_year>/<str:file>/",
        AnnualReportFileView.as_view(),
        name="report-file",
    ),
    path("jobs/<str:id>/", JobView.as_view(), name="job"),
    path("", include(router.urls)),
    # Last: what no route above matches. Only paths ending in "/", so that APPEND_SLASH still
    # redirects /api/v1/wards to /api/v1/wards/.
    re_path(r"^[\s\S]*/$", NotFoundView.as_view()),  # [\s\S]: a newline too
]
