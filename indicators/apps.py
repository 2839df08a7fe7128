from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = pgettext_lazy("plural", "成果指標")

    def ready(self):
        from kumamoto_welfare.imports import background  # noqa: F401  (the import job)

        from . import admin_jobs, signals, tasks  # noqa: F401
