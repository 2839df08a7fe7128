from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("地域")

    def ready(self):
        from kumamoto_welfare.response_cache import follow_models

        # The city and its wards (on every cached page), the directory (in the cached search
        # results) and the departments (named with the evaluations on the pages).
        follow_models(self, "Municipality", "Ward", "CommunityResource", "Department")
