#!/usr/bin/env python
"""How long the text rule takes to refuse hostile text (issue 18, item 8), without a database.

    python scripts/bench_text.py [--repeat N]

Measures, each the median of N runs (default 20):

- ``validate_text`` on 100,000 characters of text, clean and with a control character last;
- ``validate_input`` of a 100,000-character comment (refused on length);
- the API's JSON parser on a body of 100,000 characters ending in ``\\ud800`` (refused), and on
  a clean body of 1,000 keys;
- ``export_text`` on 100,000 characters with a control character every 100.

Goal: each well under 50 ms (the old path took 86 s on SQLite for a surrogate). A
measurement, not a test: it exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumamoto_welfare.settings")


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(Exception):  # refusals are what is timed
            function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat

    import django

    django.setup()
    from infrastructure.api.parsers import JSONParser
    from infrastructure.text import MAX_COMMENT, export_text, validate_input, validate_text

    clean = "地域福祉の推進。\n" * 10_000
    dirty = clean[:-1] + "\x01"
    surrogate_body = ('{"comment": "' + "あ" * 100_000 + '\\ud800"}').encode()
    wide_body = json.dumps({f"k{i}": "値" * 50 for i in range(1_000)}).encode()
    sprinkled = ("a" * 99 + "\x1b") * 1_000

    cases = {
        "validate_text, 100,000 clean": lambda: validate_text(clean),
        "validate_text, 100,000 with \\x01 last": lambda: validate_text(dirty),
        "validate_input, 100,000-character comment": lambda: validate_input(
            clean, field="comment", limit=MAX_COMMENT
        ),
        "JSON parser, 100,000 + \\ud800": lambda: JSONParser().parse(io.BytesIO(surrogate_body)),
        "JSON parser, 1,000 clean keys": lambda: JSONParser().parse(io.BytesIO(wide_body)),
        "export_text, 100,000 with 1,000 controls": lambda: export_text(sprinkled),
    }
    for name, function in cases.items():
        print(f"{name:45} {timed(function, repeat):8.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
