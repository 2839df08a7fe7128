"""The import, template and export pages in a ModelAdmin.

Wiring, in ``indicators/admin.py`` and ``programs/admin.py``::

    from infrastructure.imports.admin import ProgressImportMixin

    @admin.register(IndicatorValue)
    class IndicatorValueAdmin(ProgressImportMixin, ScopedAdmin):
        import_sheet = "indicator_value"

    @admin.register(InitiativeProgress)
    class InitiativeProgressAdmin(ProgressImportMixin, ScopedAdmin):
        import_sheet = "initiative_progress"

The mixin adds admin URLs below the model's changelist (``import/``,
``import/job/<id>/`` (a large import's status page), ``import/template/``, ``export/``,
named ``admin:<app>_<model>_import``, ``_import_job``, ``_import_template`` and ``_export``)
and links to them above the list. If the admin
sets its own ``change_list_template``, extend ``admin/imports/change_list.html`` from it or
``{% include "admin/imports/object_tools.html" %}`` inside ``object-tools-items``.

Importing needs the model's add permission, exporting its view permission
(``IMPORT_EXPORT_IMPORT_PERMISSION_CODE`` / ``_EXPORT_``); the row-level policy applies to
every row, and the export holds only ``visible_to(user)``.
"""

from __future__ import annotations

from django.urls import path

from . import views


class ProgressImportMixin:
    import_sheet: str  # "indicator_value" or "initiative_progress"
    change_list_template = "admin/imports/change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/job/<int:job_id>/",
                wrap(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            path(
                "import/template/",
                wrap(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            path("export/", wrap(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return views.import_view(request, self.import_sheet, site=self.admin_site)

    def import_job_view(self, request, job_id: int):
        return views.import_job_view(request, self.import_sheet, job_id, site=self.admin_site)

    def import_template_view(self, request):
        return views.template_view(request, self.import_sheet, site=self.admin_site)

    def export_view(self, request):
        return views.export_view(request, self.import_sheet, site=self.admin_site)

    def changelist_view(self, request, extra_context=None):
        from .views import export_permission_code, import_permission_code

        opts = self.opts
        user = request.user
        extra_context = {
            "can_import": user.has_perm(
                f"{opts.app_label}.{import_permission_code()}_{opts.model_name}"
            ),
            "can_export": user.has_perm(
                f"{opts.app_label}.{export_permission_code()}_{opts.model_name}"
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)
