from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = pgettext_lazy("plural", "施策評価")

    def ready(self):
        from . import policy as app_policy

        app_policy.register()
        from infrastructure.imports.sheets import sheet_register
        from infrastructure.response_cache import follow_models

        from .resources import EVALUATION_SHEET

        sheet_register(EVALUATION_SHEET)
        # Evaluations are on the public pages (and in the report).
        follow_models(self, "Evaluation")
