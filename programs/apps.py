from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("計画")

    def ready(self):
        from kumamoto_welfare.imports.sheets import sheet_register

        from .resources import PROGRESS_SHEET

        sheet_register(PROGRESS_SHEET)
