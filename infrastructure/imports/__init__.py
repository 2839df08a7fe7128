"""Importing and exporting records as spreadsheets (xlsx, CSV).

One domain module behind several doors: the admin (``imports.admin``), the management
command ``import_progress`` and, later, a Celery task all call :func:`run_import` for the
progress sheets; the school-district and directory imports (``community.resources``, their
commands and admin) call :func:`import_file`, the same path with the resource named. The
template and export workbooks come from :mod:`.workbooks`. All run on django-import-export:
each sheet's columns are declared once, as the fields of its ``ModelResource`` (progress:
:mod:`.resources`), and documented in docs/imports.md.
"""

from .importer import ImportReport, RowError, RowResult, import_file, run_import

__all__ = ["ImportReport", "RowError", "RowResult", "import_file", "run_import"]
