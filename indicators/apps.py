from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = pgettext_lazy("plural", "成果指標")

    def ready(self):
        from . import policy as app_policy

        app_policy.register()
        from django.utils.translation import gettext_lazy as _

        from infrastructure.fiscal_year import reporting_reach_register
        from infrastructure.history import reason_register
        from infrastructure.imports import background  # noqa: F401  (the import job)
        from infrastructure.imports.sheets import sheet_register
        from infrastructure.response_cache import follow_models
        from infrastructure.workflow import check_on_transition

        from . import admin_jobs, derived, plausibility, signals, tasks  # noqa: F401
        from .resources import INDICATOR_SHEET
        from .selectors import plan_reach

        # The lower layers ask these through kumamoto_welfare, never by importing this app.
        reporting_reach_register(plan_reach)
        # Progress data: every change moves the cached answers' generation on.
        follow_models(
            self,
            "IndicatorValue",
            "Target",
            "Indicator",
            "Unit",
            "RatingBand",
            "RatingRule",
            "CommonIndicator",
        )
        sheet_register(INDICATOR_SHEET)
        # A figure is checked again when submitted and approved (an earlier one may have
        # changed since it was entered).
        check_on_transition(self.get_model("IndicatorValue"), plausibility.validate_on_transition)
        reason_register(derived.REASON_CREATED, _("自動計算で作成"))
        reason_register(derived.REASON_SOURCES, _("自動計算：数えた記録が変わり、数は同じ"))
        reason_register(derived.REASON_RECOMPUTED, _("自動計算で再計算"))
