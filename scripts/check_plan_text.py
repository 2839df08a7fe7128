#!/usr/bin/env python
"""Check the plan data files against a text dump of the plan document.

    python scripts/check_plan_text.py PLAN.txt [--data programs/data/plan]

Every non-blank line of the text must appear, whitespace and structural markers (◇ ■ ※)
removed, inside the text held by the YAML files (whitespace removed likewise). Lines that are
only layout (headings the data holds as structure, table cells the data holds as numbers) are
listed for a person to judge. A maintenance tool for whoever corrects the data files: the app
and its tests never read the document.
"""

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import yaml

MARKERS = re.compile(r"[\s◇■※]")


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", type=Path)
    parser.add_argument("--data", type=Path, default=Path("programs/data/plan"))
    args = parser.parse_args()

    held = "".join(
        MARKERS.sub("", text)
        for path in sorted(args.data.glob("*.yaml"))
        for text in strings(yaml.safe_load(path.read_text(encoding="utf-8")))
    )
    circled = re.compile(r"^[①-⑳]")
    missing = []
    for number, line in enumerate(args.text.read_text(encoding="utf-8").splitlines(), start=1):
        bare = MARKERS.sub("", line)
        if not bare or bare in held or circled.sub("", bare) in held:
            continue
        # A table cell such as 78.61％ or １１１,９０１人 is held as a number.
        digits = unicodedata.normalize("NFKC", bare).replace(",", "")
        if re.fullmatch(r"[\d.]+(％|%|人|校区)?", digits):
            continue
        missing.append((number, line.strip()))
    for number, line in missing:
        print(f"{args.text}:{number}: not in the data: {line}")
    print(f"{len(missing)} line(s) to judge.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
