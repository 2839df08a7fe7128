"""The limits every import is held to, whichever door it comes through.

One set, read from settings (``IMPORT_MAX_*``, README), applied by the engine itself:
``run_import`` / ``import_file`` refuse an oversized upload and ``formats`` refuses, before
or while parsing, what would cost the server more than a real sheet does (a zip bomb, a
workbook of millions of rows, a cell of megabytes, a shared-string table of millions of
strings no cell uses, XML with a DOCTYPE). The doors add only
what they alone can do: the web's upload handler (``uploads``) stops reading a request once
it passes the size, the commands read no more of a file than the size allows.

Together they keep the import of any file, refused or accepted, under 300 MB of memory
(measured: ``scripts/import_memory.py``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ImportLimits:
    max_upload_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xlsx_bytes: int  # all members of an xlsx, uncompressed
    max_xlsx_members: int
    max_xlsx_ratio: int  # uncompressed : compressed, for a member of over 1 MB
    max_shared_strings: int  # strings in an xlsx's shared-string table
    max_shared_strings_bytes: int  # its XML, uncompressed

    @classmethod
    def current(cls) -> ImportLimits:
        limits = cls(
            max_upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            max_xlsx_bytes=settings.IMPORT_MAX_XLSX_BYTES,
            max_xlsx_members=settings.IMPORT_MAX_XLSX_MEMBERS,
            max_xlsx_ratio=settings.IMPORT_MAX_XLSX_RATIO,
            max_shared_strings=settings.IMPORT_MAX_SHARED_STRINGS,
            max_shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
        )
        limits.validate()
        return limits

    def validate(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise ImproperlyConfigured(f"IMPORT_{name.upper()} must be a positive number.")
        # Python's CSV reader stops at its own field limit; ours must lie within it.
        if self.max_cell_chars > csv.field_size_limit():
            raise ImproperlyConfigured(
                f"IMPORT_MAX_CELL_CHARS may not exceed {csv.field_size_limit()}."
            )

    @property
    def max_upload_size(self) -> str:
        """The upload limit as people read it: ``5 MB``, ``200 KB``."""
        if self.max_upload_bytes >= 1024 * 1024:
            return f"{round(self.max_upload_bytes / (1024 * 1024), 1):g} MB"
        return f"{round(self.max_upload_bytes / 1024, 1):g} KB"

    @property
    def max_xlsx_mb(self) -> str:
        return f"{self.max_xlsx_bytes / (1024 * 1024):g}"
