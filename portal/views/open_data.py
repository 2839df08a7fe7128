"""The open-data catalogue at /opendata/ and its files (portal/open_data.py, docs/open-data.md).

Every file is written as it is read: CSV streams row by row; xlsx and the zip are written to a
spooled temporary file (on disk past a few megabytes) and sent from there, so memory stays
bounded whatever the size of the data. Everyone gets the same, approved data: it is open data.
"""

from __future__ import annotations

import codecs
import csv
import json
import tempfile
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from infrastructure.api.renderers import escape_cell
from portal import open_data

SHIFT_JIS_NAMES = {"shift_jis", "shift-jis", "sjis", "cp932", "windows-31j"}
UTF8_NAMES = {"", "utf-8", "utf8", "utf-8-sig"}
SPOOL_BYTES = 4 * 1024 * 1024
# A character Shift_JIS (CP932) cannot hold becomes 〓 (geta), the mark Japanese printing uses
# for a missing glyph: the file still opens, and the gap is visible, never a silent '?'.
GETA = "〓"


def _geta(error: UnicodeEncodeError):
    return GETA * (error.end - error.start), error.end


codecs.register_error("kumamoto_welfare_geta", _geta)


class _Line:
    """A file-like object for csv.writer that hands back each line written."""

    def write(self, text: str) -> str:
        return text


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return escape_cell(value)


def csv_lines(dataset: open_data.Dataset, publisher) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    header = dataset.header
    yield writer.writerow(header)
    # The files are in the city's language whatever the visitor's: their headers are Japanese
    # (the standard dataset's), and so are the labels in their cells.
    with translation.override(settings.LANGUAGE_CODE):
        for row in dataset.rows(publisher):
            yield writer.writerow([_cell(row.get(name)) for name in header])


def csv_bytes(dataset: open_data.Dataset, publisher, *, shift_jis: bool = False) -> Iterator[bytes]:
    if not shift_jis:
        yield codecs.BOM_UTF8
    for line in csv_lines(dataset, publisher):
        yield (
            line.encode("cp932", errors="kumamoto_welfare_geta")
            if shift_jis
            else line.encode("utf-8")
        )


def _dataset(slug: str) -> open_data.Dataset:
    try:
        return open_data.BY_SLUG[slug]
    except KeyError:
        raise Http404(_("そのデータセットはありません。")) from None


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def catalogue(request):
    """The catalogue: every dataset with its description, update date, formats and rows."""
    generated = timezone.now()
    datasets = [
        {
            "dataset": dataset,
            "rows": dataset.count(),
            "updated": dataset.updated_at(),
            "csv": reverse("opendata-csv", args=[dataset.slug]),
            "xlsx": reverse("opendata-xlsx", args=[dataset.slug]),
        }
        for dataset in open_data.DATASETS
    ]
    return render(
        request,
        "portal/open_data.html",
        {
            "datasets": datasets,
            "generated": generated,
            "license": open_data.license_descriptor(),
            "publisher": open_data.publisher_of(),
        },
    )


@require_safe
def dataset_csv(request, slug: str):
    dataset = _dataset(slug)
    encoding = request.GET.get("encoding", "").strip().lower()
    if encoding not in SHIFT_JIS_NAMES | UTF8_NAMES:
        return HttpResponse(
            _("encoding: 「%(value)s」は使えません。utf-8 か shift_jis を指定してください。")
            % {"value": encoding[:40]},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    shift_jis = encoding in SHIFT_JIS_NAMES
    response = StreamingHttpResponse(
        csv_bytes(dataset, open_data.publisher_of(), shift_jis=shift_jis),
        content_type=f"text/csv; charset={'cp932' if shift_jis else 'utf-8'}",
    )
    suffix = "-sjis" if shift_jis else ""
    return _attachment(response, f"{dataset.slug}{suffix}.csv")


def _xlsx_value(value):
    return escape_cell(value)  # which drops the characters a workbook cannot hold


@require_safe
@translation.override(settings.LANGUAGE_CODE)
def dataset_xlsx(request, slug: str):
    from openpyxl import Workbook

    dataset = _dataset(slug)
    workbook = Workbook(write_only=True)  # rows go to disk as they come
    sheet = workbook.create_sheet(title=dataset.slug[:31])
    sheet.append(dataset.header)
    for row in dataset.rows(open_data.publisher_of()):
        sheet.append([_xlsx_value(row.get(name)) for name in dataset.header])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 FileResponse closes it
    workbook.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{dataset.slug}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_safe
@translation.override(settings.LANGUAGE_CODE)
def datapackage(request):
    package = open_data.data_package(
        lambda d: request.build_absolute_uri(reverse("opendata-csv", args=[d.slug])),
        base_url=request.build_absolute_uri(reverse("opendata")),
    )
    response = HttpResponse(
        json.dumps(package, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return response


@require_safe
@translation.override(settings.LANGUAGE_CODE)
def all_zip(request):
    """Every CSV (UTF-8 with BOM) and datapackage.json, whose paths are the file names."""
    publisher = open_data.publisher_of()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 FileResponse closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dataset in open_data.DATASETS:
            with archive.open(f"{dataset.slug}.csv", "w") as member:
                for chunk in csv_bytes(dataset, publisher):
                    member.write(chunk)
        package = open_data.data_package(
            lambda d: f"{d.slug}.csv",
            base_url=request.build_absolute_uri(reverse("opendata")),
        )
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename="opendata.zip", content_type="application/zip"
    )
