"""The council report (施策評価書) as a document: the one template rendered to HTML (the
printable page, the stored copy) and to PDF with WeasyPrint.

WeasyPrint fetches nothing from the network: its URL fetcher serves data: URLs and the
project's own static files, and refuses anything else, so a report is the same wherever it
is made and a stray address in the data cannot make the server call out.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from kumamoto_welfare.text import export_text

TEMPLATE = "programs/report_document.html"
STYLESHEET = "css/report.css"
# The base URL of the document as WeasyPrint sees it: a name that resolves nowhere.
BASE_URL = "https://report.invalid/"


class RefusedURL(ValueError):
    """The report asked for something outside data: URLs and the static files."""


def report_css() -> str:
    """The report's stylesheet: from the sources, else from the collected static files."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = finders.find(STYLESHEET) or staticfiles_storage.path(STYLESHEET)
    with open(path, encoding="utf-8") as stylesheet:
        return stylesheet.read()


def report_html(context: dict, *, request=None, live: bool = False) -> str:
    """The document as HTML. ``live``: the page served at /reports/<fy>/, linking the
    stylesheet and offering the year selector and downloads; otherwise a standalone copy
    with the stylesheet inline (stored, or handed to the PDF renderer)."""
    extra = {"live": True} if live else {"report_css": report_css()}
    # A character the text rule refuses, stored before the rule, is dropped here: once for
    # the page, the stored copy and the PDF.
    return export_text(render_to_string(TEMPLATE, {**context, **extra}, request=request))


def _static_file(path: str) -> str | None:
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    if ".." in relative.split("/"):
        return None
    return finders.find(relative)


def _report_url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportURLFetcher(URLFetcher):
        """data: URLs through WeasyPrint's own fetcher, the static files from disk,
        anything else refused (no network, no other file)."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" == BASE_URL:
                found = _static_file(parts.path)
                if found:
                    with open(found, "rb") as file:
                        content = file.read()
                    mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, content, {"Content-Type": mime})
            raise RefusedURL(f"the report may not fetch {url!r}")

    return ReportURLFetcher()


def url_fetcher(url: str):
    """Fetch ``url`` as the PDF renderer would (for tests and for a look by hand)."""
    return _report_url_fetcher().fetch(url)


def report_pdf(context: dict) -> bytes:
    """The document as an A4 PDF."""
    from weasyprint import HTML

    document = HTML(
        string=report_html(context), base_url=BASE_URL, url_fetcher=_report_url_fetcher()
    )
    return document.write_pdf()
