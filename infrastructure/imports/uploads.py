"""Uploads held to ``IMPORT_MAX_UPLOAD_BYTES`` while they stream in, not after.

- ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) counts the bytes of a
  request's files as Django's parser receives them and, once past the limit, stops the
  upload: the rest is read and dropped (never kept in memory or on disk) so that the browser
  gets the page saying why, and the file is missing from ``request.FILES``.
- ``ImportUploadForm`` is the upload field of every import page (the progress import, the
  community imports): it tells "too large" from "no file", in the user's language.
- ``read_file`` is the commands' way in: it reads no more than the limit allows.
"""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy

from .formats import FileError, too_large
from .limits import ImportLimits

REFUSED = "import_upload_too_large"  # set on the request when the upload was stopped


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = ImportLimits.current().max_upload_bytes
        self.received = 0  # over every file of the request

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                setattr(self.request, REFUSED, True)
            # Read the rest and drop it: the browser still gets our answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


def upload_refused(request) -> bool:
    return bool(getattr(request, REFUSED, False))


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ファイル（xlsx または CSV）"),
        required=False,  # checked in clean_file, to tell a stopped upload from none
        widget=forms.ClearableFileInput(attrs={"required": True}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = ImportLimits.current().max_upload_bytes
        if upload_refused(self.request) or (upload and upload.size > limit):
            raise forms.ValidationError(too_large())
        if not upload:
            raise forms.ValidationError(self.fields["file"].error_messages["required"])
        return upload


def read_file(path: Path) -> bytes:
    """The file's bytes; a ``FileError`` if it is larger than the limit (without reading
    more than the limit), an ``OSError`` if it cannot be read."""
    limit = ImportLimits.current().max_upload_bytes
    with Path(path).open("rb") as source:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise FileError(too_large())
    return data
