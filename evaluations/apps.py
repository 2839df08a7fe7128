from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = pgettext_lazy("plural", "施策評価")

    def ready(self):
        from kumamoto_welfare.imports.sheets import sheet_register

        from . import signals  # noqa: F401
        from .resources import EVALUATION_SHEET

        sheet_register(EVALUATION_SHEET)
