from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("計画")

    def ready(self):
        from . import policy as app_policy

        app_policy.register()
        from infrastructure.imports.sheets import sheet_register
        from infrastructure.response_cache import follow_models

        from .resources import PROGRESS_SHEET

        sheet_register(PROGRESS_SHEET)
        # Progress reports and the plan's content, which the cached pages and API reads show.
        follow_models(
            self,
            "InitiativeProgress",
            "Plan",
            "PriorityArea",
            "Pillar",
            "Theme",
            "Section",
            "Challenge",
            "Initiative",
            "Action",
            "Figure",
        )
