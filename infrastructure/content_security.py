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

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONE, SELF
from csp.middleware import CheckableLazyObject
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# The response attributes by which a view gives a response a policy of its own (django-csp's
# decorators, ``stored_document_policy``).
_OWN_POLICY_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)
_site_policies: dict[bool, str] = {}


@receiver(setting_changed)
def _forget_site_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _site_policies.clear()


def site_policy(*, report_only: bool) -> str:
    """The header of the site's own policy (settings ``CONTENT_SECURITY_POLICY``, or its
    ``_REPORT_ONLY`` twin), as django-csp builds it for a response without a nonce."""
    if report_only not in _site_policies:
        _site_policies[report_only] = build_policy(report_only=report_only)
    return _site_policies[report_only]


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site's own policy built once per process.

    Most responses carry that policy as it is: no nonce used, nothing of their own. django-csp
    builds the header from the settings again for every response, a tenth of the time of an
    API answer served from the cache (scripts/profile_requests.py); here it is built once and
    kept (and built again when a test changes the settings). A response with a nonce or a
    policy of its own, or one that django-csp's exclusions might touch, goes through
    django-csp itself, unchanged."""

    def process_response(self, request, response):
        if self._has_own_policy(request, response):
            return super().process_response(request, response)
        for header, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
            policy = site_policy(report_only=report_only)
            if policy and header not in response:
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _has_own_policy(request, response) -> bool:
        return (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _OWN_POLICY_ATTRIBUTES)
            or (settings.DEBUG and response.status_code in (404, 500))
            or any(
                (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            )
        )
