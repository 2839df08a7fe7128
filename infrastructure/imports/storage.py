"""Where an upload waits between its preview and its confirmation.

django-import-export's ``MediaStorage``: a file in the media storage (``STORAGES["import_export"]``
if configured, else ``default``: ``MEDIA_ROOT``, shared by every web server and the worker),
not the cache, so a preview can be confirmed with Redis down and a large upload does not sit
in Redis's memory. The file is named by a random token (``uuid4().hex``) kept in the user's
session or the job's parameters, and removed once imported. Unlike the library's class, a
token that is not one of ours, or whose file is gone or older than ``MAX_AGE``, reads as
``None`` (expired), as the cache storage did, never as a path or an exception.

With a tenant active (``infrastructure.tenancy``: several municipalities loaded) the file
waits under its municipality's code, ``django-import-export/<code>/<token>``, as a stored
report does under ``reports/<code>/``; the worker reads it there, as the job runs for the
tenant that asked for it. With none, directly in ``django-import-export/``.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re

from django.utils import timezone
from import_export.tmp_storages import MediaStorage

from infrastructure import tenancy

logger = logging.getLogger(__name__)

TOKEN = re.compile(r"[0-9a-f]{32}")
MAX_AGE = datetime.timedelta(days=1)
FOLDER = "django-import-export"


class UploadStorage(MediaStorage):
    def __init__(self, **kwargs):
        name = kwargs.get("name")
        if name is not None and not TOKEN.fullmatch(str(name)):
            kwargs["name"] = "invalid"  # never a path of the caller's choosing
        super().__init__(**kwargs)
        self.MEDIA_FOLDER = upload_folder()

    def _valid(self) -> bool:
        return bool(self.name) and TOKEN.fullmatch(self.name) is not None

    def read(self) -> bytes | None:
        if not self._valid():
            return None
        path = self.get_full_path()
        try:
            if timezone.now() - self._storage.get_modified_time(path) > MAX_AGE:
                self.remove()
                return None
            return super().read()
        except (FileNotFoundError, NotImplementedError):
            return None

    def remove(self) -> None:
        if not self._valid():
            return
        with contextlib.suppress(FileNotFoundError):
            super().remove()


def upload_folder() -> str:
    """Where the active tenant's uploads wait: under its code, or (none) the folder itself."""
    tenant = tenancy.current()
    return f"{FOLDER}/{tenant.code}" if tenant is not None else FOLDER


def uploads_purge(*, older_than: datetime.timedelta = MAX_AGE) -> int:
    """Delete the uploads nobody confirmed within ``older_than``, every municipality's.
    Returns how many."""
    storage = UploadStorage()._storage
    try:
        folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    paths = [f"{FOLDER}/{name}" for name in files]
    for folder in folders:  # a municipality's, by its code
        with contextlib.suppress(FileNotFoundError):
            paths += [
                f"{FOLDER}/{folder}/{name}" for name in storage.listdir(f"{FOLDER}/{folder}")[1]
            ]
    removed = 0
    for path in paths:
        try:
            if timezone.now() - storage.get_modified_time(path) > older_than:
                storage.delete(path)
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        logger.info("Removed %s import upload(s) never confirmed", removed)
    return removed
