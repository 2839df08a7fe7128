"""Importing and exporting progress records as spreadsheets (xlsx, CSV).

One domain module behind several doors: the admin (``imports.admin``), the management
command ``import_progress`` and, later, a Celery task all call :func:`run_import`; the
template and export workbooks come from :mod:`.workbooks`. Both run on django-import-export:
each sheet's columns are declared once, as the fields of its ``ModelResource`` in
:mod:`.resources`, and documented in docs/imports.md.
"""

from .importer import ImportReport, RowError, RowResult, run_import

__all__ = ["ImportReport", "RowError", "RowResult", "run_import"]
