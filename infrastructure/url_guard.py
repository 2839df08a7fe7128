"""Characters no URL may carry, refused before anything reads the request.

A ``%00`` in a path or a query (``/indicators/%00/``, ``/consult/?ward=%00``, ``?plan=%00``)
reaches the database as a NUL, which PostgreSQL refuses with a ``ValueError``: a 500 at every
view, filter or converter that looks the value up. An unpaired surrogate could not be stored
or encoded either. Rather than guard each converter, filter and lookup (and forget the next
one), ``UrlGuardMiddleware`` answers such a request with a 400 at the door, on every
database: just after the request id, the security and CSP headers (so the answer carries
them) and before the anonymous response cache and everything else.

What is checked is the URL as it came: the path and each query name and value must be valid
UTF-8 (Python's strict decoder refuses an encoded surrogate, ``%ED%A0%80``, and the overlong
``%C0%80``; Django itself would keep them as percent-escapes in a path, or U+FFFD in a query,
and go on) and hold no NUL. A path whose percent-escapes, decoded once more, are not UTF-8
or hold a NUL (``/wards/%25ED%25A0%2580/``) is refused too: it cannot be told apart from
the former, and no page's path needs one. Bodies (JSON, form fields) are the fields' own concern.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _query_text(raw: str) -> str | None:
    """A query's name or value as the text it encodes, or None if that is not UTF-8. The
    query string arrives as its bytes read as Latin-1 (WSGI, and Django's ASGI request)."""
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        return raw
    return _utf8(unquote_to_bytes(data.replace(b"+", b" ")))


def _unsafe(text: str | None) -> bool:
    return text is None or FORBIDDEN.search(text) is not None


def unsafe_part(request: HttpRequest) -> str | None:
    """``"path"``, ``"query"`` or the name of the query parameter that holds a character no
    URL may carry (or is not UTF-8); None when the URL is clean."""
    path = request.path_info
    # Django keeps the bytes of a path that are not UTF-8 as percent-escapes (``%ED%A0%80``
    # stays that text): decoded once more, they show what was sent.
    if _unsafe(path) or _unsafe(_utf8(unquote_to_bytes(path))):
        return "path"
    for pair in request.META.get("QUERY_STRING", "").split("&"):
        raw_name, _equals, raw_value = pair.partition("=")
        name = _query_text(raw_name)
        if _unsafe(name):
            return "query"
        if _unsafe(_query_text(raw_value)):
            return name
    return None


class UrlGuardMiddleware:
    """A 400 for a path or query with a NUL or an unpaired surrogate (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = unsafe_part(request)
        if part is None:
            return self.get_response(request)
        # LocaleMiddleware has not run yet: the message in the language it would choose.
        with translation.override(get_language_from_request(request)):
            message = _("URL（%(part)s）に使えない文字（NUL など）が含まれています。") % {
                "part": part
            }
        if request.path_info.startswith("/api/"):
            # The API's error body (infrastructure.api.errors), without running DRF.
            return JsonResponse(
                {"error": {"status": 400, "code": "invalid", "message": message}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return bad_request(request, ValueError(message))
