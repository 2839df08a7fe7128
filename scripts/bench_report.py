#!/usr/bin/env python
"""Time to render the council report's evaluation box to PDF with one long unbroken
Japanese paragraph, as the report prints it (``report_text``: runs of at most CHUNK_LIMIT
characters) and as it was printed before (``linebreaksbr``: one text box).

    python scripts/bench_report.py [--lengths 1000,2000,4000] [--plain-up-to 2000]

The paragraph sits where the report puts an evaluation's text: a <dd> of the evaluation's
<dl>, laid out as a table (static/css/report.css), rendered by WeasyPrint with the report's
stylesheet. Also counted: the characters handed to Pango (the layout's work). Goal: 4,000
characters in a few seconds, and time and work growing linearly with the length. The
one-box variant grows with the square of the length (4,000 characters: over a minute), so
it is measured only up to --plain-up-to. A measurement, not a test: exits 0 whatever the
numbers. No database needed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")

SENTENCE = "地域で支え合う仕組みづくりを進めるため、各区の状況を確認しながら取り組みを続けた"


def paragraph(length: int) -> str:
    """An unbroken paragraph: commas but no sentence end, no line break."""
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length]


def render(body: str) -> tuple[float, int]:
    from weasyprint import HTML
    from weasyprint.text.line_break import Layout

    from portal.report_documents import report_css

    html = (
        f"<html lang='ja'><head><style>{report_css()}</style></head><body>"
        "<section class='evaluation'><h5>二次評価</h5><dl><div><dt>要因分析</dt>"
        f"<dd>{body}</dd></div></dl></section></body></html>"
    )
    counted = []
    set_text = Layout.set_text

    def counting(self, text, *args, **kwargs):
        counted.append(len(text))
        return set_text(self, text, *args, **kwargs)

    Layout.set_text = counting
    try:
        start = time.perf_counter()
        HTML(string=html).write_pdf()
        return time.perf_counter() - start, sum(counted)
    finally:
        Layout.set_text = set_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", default="1000,2000,4000")
    parser.add_argument("--plain-up-to", type=int, default=2000)
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from django.template.defaultfilters import linebreaksbr

    from portal.report_documents import CHUNK_LIMIT, report_text

    render("warm-up")
    print(f"{'characters':>10}  {'variant':<14} {'seconds':>8}  {'to Pango':>12}")
    for length in (int(n) for n in args.lengths.split(",")):
        text = paragraph(length)
        variants = [(f"runs of ≤{CHUNK_LIMIT}", report_text(text))]
        if length <= args.plain_up_to:
            variants.append(("one text box", linebreaksbr(text)))
        for name, body in variants:
            seconds, characters = render(body)
            print(f"{length:>10}  {name:<14} {seconds:>8.2f}  {characters:>12,}")


if __name__ == "__main__":
    main()
