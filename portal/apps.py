from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The doors that combine the apps: public pages, the staff completeness page, the
    yearly report and its admin. The top of the stack: it may import every app, and no app
    imports it."""

    name = "portal"
    verbose_name = _("ページと報告書")

    def ready(self):
        from . import policy as app_policy

        app_policy.register()
        from . import (  # noqa: F401  (the admins and the job handlers)
            admin,
            annual_reports,
            notifications,
        )
