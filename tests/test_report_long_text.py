"""Long paragraphs in the council report's PDF (issue 18, item 6).

WeasyPrint hands Pango the whole rest of a text box for every line it breaks, and in a table
cell (the evaluations' <dl>, the report's tables) it breaks at every character to measure
the cell's narrowest width: an unbroken Japanese paragraph of n characters cost n² (4,000
characters over 70 s). ``text_chunks`` cuts free text into runs of at most CHUNK_LIMIT
characters, each a text box of its own. The timing is in ``scripts/bench_report.py``
(``make bench-report``); here the work is counted (characters handed to Pango), not timed."""

import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from pypdf import PdfReader

from infrastructure.workflow import Status
from portal.report_documents import CHUNK_LIMIT, report_pdf, report_text, text_chunks
from portal.reports import evaluation_context
from tests.factories import evaluation

YEAR = 2016


def sentences(count: int) -> list[str]:
    return [f"第{n}文では地域で支え合う仕組みを進め各区の状況を確かめた。" for n in range(count)]


@pytest.mark.parametrize(
    "text",
    [
        "".join(sentences(200)),
        "あ" * 100_000,  # no sentence end, no comma: cut every CHUNK_LIMIT characters
        "word " * 20_000,  # English: cut after a space
        "一行目。\n二行目、続き\r\n\n" * 50 + "終わり",
        "",
    ],
)
def test_text_is_cut_into_bounded_runs_that_join_to_the_text(text):
    chunks = text_chunks(text)
    assert "".join(chunks) == text
    assert all(0 < len(chunk) <= CHUNK_LIMIT for chunk in chunks)


def test_runs_end_at_sentence_ends_and_commas():
    text = "".join(sentences(3))
    assert text_chunks(text) == sentences(3)
    long_sentence = "あ" * 70 + "、" + "い" * 70 + "。"
    assert text_chunks(long_sentence) == ["あ" * 70 + "、", "い" * 70 + "。"]
    assert text_chunks("a" * 250) == ["a" * 100, "a" * 100, "a" * 50]


def test_the_report_text_is_escaped_with_its_line_breaks():
    html = report_text("一行目<b>。\r\n二行目")
    assert html == "<span>一行目&lt;b&gt;。</span><br><span>二行目</span>"


def pango_characters(monkeypatch) -> list[int]:
    """Characters handed to Pango (WeasyPrint's Layout.set_text), the work the layout does."""
    from weasyprint.text.line_break import Layout

    counted = []
    set_text = Layout.set_text

    def counting(self, text, *args, **kwargs):
        counted.append(len(text))
        return set_text(self, text, *args, **kwargs)

    monkeypatch.setattr(Layout, "set_text", counting)
    return counted


@pytest.mark.django_db
def test_a_4000_character_evaluation_is_all_in_the_pdf_in_linear_work(monkeypatch):
    """Reproduces item 6: an unbroken 4,000-character analysis made WeasyPrint lay out
    ~8 million characters (4,000 × 4,000 / 2): minutes. Cut into runs, the work is a small
    multiple of the length, and every sentence is in the PDF."""
    text = "".join(sentences(100))  # about 3,200 characters with no line break …
    text += "あ" * (4000 - len(text))  # … and a tail with no sentence end at all
    assert len(text) == 4000
    evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="B", analysis=text)
    # Final (no draft mark across a sentence): the other expected evaluations do not matter.
    context = evaluation_context(fiscal_year=YEAR, user=AnonymousUser(), is_final=True)
    counted = pango_characters(monkeypatch)

    pdf = report_pdf(context)

    # The whole document, not this text alone: linear in the report's text, nowhere n².
    assert sum(counted) < 40 * 4000 * CHUNK_LIMIT / 10
    assert max(counted) < 4000
    # The pages' text, less the running header (the plan's title) and the page numbers,
    # which a page break puts in the middle of a sentence.
    pages = PdfReader(io.BytesIO(pdf)).pages
    printed = "".join(
        re.sub(r"\s+", "", page.extract_text())
        .replace(context["plan"].display_title, "")
        .replace(f"{number}/{len(pages)}", "")
        for number, page in enumerate(pages, start=1)
    )
    missing = [sentence for sentence in sentences(100) if sentence not in printed]
    assert not missing
    assert "あ" * 50 in printed
