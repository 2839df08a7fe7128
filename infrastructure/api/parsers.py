"""The API's JSON parser: DRF's, refusing what JSON can spell but no text can hold.

JSON may write an unpaired surrogate as an escape (``"\\ud800"``); Python decodes it into a
string no encoding can write, which PostgreSQL refuses and everything downstream trips over.
It is refused here, once for every endpoint, as a 400 naming where it stands. The other
characters the text rule refuses (``infrastructure/text.py``) are refused by the fields,
which name themselves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser

from infrastructure.text import SURROGATE_RE, export_text


def _unpaired_surrogate(data) -> tuple[str, str] | None:
    """(where, character) of the first unpaired surrogate in a key or string of ``data``."""
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if found := SURROGATE_RE.search(value):
                return where or "(body)", found.group()
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                if found := SURROGATE_RE.search(str(key)):
                    return path, found.group()
                pending.append((path, item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
    return None


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if found := _unpaired_surrogate(data):
            where, character = found
            raise ParseError(
                _("「%(where)s」に対になっていないサロゲート（U+%(code)04X）があります。")
                % {"where": export_text(where), "code": ord(character)}
            )
        return data
