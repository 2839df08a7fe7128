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
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from community.areas import area_context
from infrastructure.text import export_text

TEMPLATE = "programs/report_document.html"
STYLESHEET = "css/report.css"
# The base URL of the document as WeasyPrint sees it: a name that resolves nowhere.
BASE_URL = "https://report.invalid/"


# Long free text (evaluations, ward narratives, target reasons) in runs of bounded length.
#
# WeasyPrint (70) breaks a text box into lines by handing Pango the whole rest of the box
# for every line it takes (text/line_break.py split_first_line). In a table cell — the
# evaluations' <dl> and the report's tables lay out as tables — it first measures the
# cell's narrowest width by breaking at every opportunity, which in Japanese is every
# character (layout/preferred.py inline_line_widths): n characters cost n layouts of up to
# n characters, n². An unbroken paragraph of 1,000 characters took 4 s, 4,000 over 70 s.
# Each run below is a text box of its own (a <span>), so Pango never sees more than
# CHUNK_LIMIT characters at a time and a paragraph costs n × CHUNK_LIMIT. The spans are
# inline: the sentences still flow as one paragraph, and lines break where they did.
CHUNK_LIMIT = 100
# A run ends after these (the end of a sentence, a line) …
SENTENCE_ENDS = frozenset("。．！？!?\n")
# … or, when a sentence is longer than CHUNK_LIMIT, after the last of these before it (else
# at CHUNK_LIMIT characters exactly).
SOFT_BREAKS = frozenset("、，,;；:： 　\t")


def text_chunks(text: str, limit: int = CHUNK_LIMIT) -> list[str]:
    """``text`` cut after each sentence end and into runs of at most ``limit`` characters,
    in one pass (linear in the length). Joined, the runs are ``text`` again."""
    chunks: list[str] = []
    start = 0
    soft = -1  # where the current run may end, after a comma or a space
    for index, character in enumerate(text):
        if character in SENTENCE_ENDS:
            chunks.append(text[start : index + 1])
            start, soft = index + 1, -1
            continue
        if character in SOFT_BREAKS:
            soft = index + 1
        if index + 1 - start >= limit:
            cut = soft if soft > start else index + 1
            chunks.append(text[start:cut])
            start, soft = cut, -1
    if start < len(text):
        chunks.append(text[start:])
    return chunks


def report_text(text) -> SafeString:
    """Free text for the report: escaped, each run of ``text_chunks`` a <span> of its own,
    line breaks kept as <br> (as ``linebreaksbr`` would)."""
    parts = []
    for chunk in text_chunks(normalize_newlines(str(text or ""))):
        body = chunk.rstrip("\n")
        parts.append(f"<span>{escape(body)}</span>" if body else "")
        if chunk.endswith("\n"):
            parts.append("<br>")
    return mark_safe("".join(parts))


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
    # Without a request (a stored copy, the PDF) no context processor gives the words.
    extra.update(area_context())
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
