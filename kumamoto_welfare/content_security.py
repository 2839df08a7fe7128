"""Content-Security-Policy for responses that differ from the site's policy (settings.py,
"Content-Security-Policy"; README, "Security headers").

The site's pages load scripts and styles only from its own files. A stored HTML document
(the printable annual report) is different: it keeps its stylesheet inline, so that it looks
and prints the same once saved to disk. Its response allows exactly that stylesheet, by hash,
and nothing else at all: no script, no form, no framing, in a sandbox.
"""

from __future__ import annotations

import base64
import hashlib
import re

from csp.constants import NONE, SELF
from django.http import HttpResponseBase

_STYLE_BLOCK = re.compile(rb"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)


def style_hashes(document: bytes) -> list[str]:
    """The CSP source expressions (`'sha256-…'`) of the document's <style> blocks."""
    return [
        "'sha256-{}'".format(base64.b64encode(hashlib.sha256(block).digest()).decode("ascii"))
        for block in _STYLE_BLOCK.findall(document)
    ]


def stored_document_policy(response: HttpResponseBase, document: bytes) -> HttpResponseBase:
    """Serve `document` (the bytes of a server-generated HTML file, no scripts) under its own
    policy instead of the site's; also when the site's policy is only reported."""
    response._csp_config = {
        "default-src": [NONE],
        "style-src": style_hashes(document) or [NONE],
        "img-src": [SELF, "data:"],
        "base-uri": [NONE],
        "form-action": [NONE],
        "frame-ancestors": [NONE],
        "sandbox": [True],
    }
    response._csp_exempt_ro = True
    return response
