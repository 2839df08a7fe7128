from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from infrastructure import policy


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("地域")

    def ready(self):
        from . import access

        access.register()
        post_migrate.connect(policy.sync_role_groups, sender=self, dispatch_uid="role-groups")
        from infrastructure.imports import background  # noqa: F401  (the import job)
        from infrastructure.imports.sheets import sheet_register
        from infrastructure.response_cache import follow_models

        from .resources import DIRECTORY_SHEET, SCHOOL_DISTRICT_SHEET

        # The admin's large uploads run as the engine's import job, which finds the
        # resource by the sheet's kind.
        sheet_register(SCHOOL_DISTRICT_SHEET)
        sheet_register(DIRECTORY_SHEET)

        # The city and its wards (on every cached page), the directory (in the cached search
        # results) and the departments (named with the evaluations on the pages).
        follow_models(self, "Municipality", "Ward", "CommunityResource", "Department")

        # The municipalities loaded, which the tenant of each request is looked up in.
        from django.db.models.signals import post_delete, post_save

        from .tenants import municipalities_changed, tenants_refresh

        municipality = self.get_model("Municipality")
        for signal in (post_save, post_delete):
            signal.connect(municipalities_changed, sender=municipality, dispatch_uid="tenants")
        post_migrate.connect(tenants_refresh, sender=self, dispatch_uid="tenants-migrate")
        # A municipality's work, wherever it runs, makes the links its site makes.
        from infrastructure import tenancy

        from .tenants import mounted

        tenancy.enter_also(mounted)
        # PostgreSQL's row-level security on every tenant table, from the models' paths.
        from infrastructure.row_security import row_security_sync

        post_migrate.connect(row_security_sync, sender=self, dispatch_uid="row-security")
