"""Importing and exporting progress records as spreadsheets (xlsx, CSV).

One domain module behind several doors: the admin (``imports.admin``), the management
command ``import_progress`` and, later, a Celery task all call :func:`run_import`; the
template and export workbooks come from :mod:`.workbooks`. Columns are described once, in
:mod:`.sheets`, and documented in docs/imports.md.
"""

from .importer import ImportReport, RowError, RowResult, run_import

__all__ = ["ImportReport", "RowError", "RowResult", "run_import"]
