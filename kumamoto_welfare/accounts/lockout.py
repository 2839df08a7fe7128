"""Lockout after repeated failed logins (django-axes), shared by the admin login and the API
token endpoint: ``AXES_FAILURE_LIMIT`` failures (``LOGIN_FAILURE_LIMIT``, 10 by default) for
one username, or from one address, within ``AXES_COOLOFF_TIME`` (15 minutes) lock that
username or address out for as long; even the right password is then refused.

The client's address is the one the API throttle uses too (``client_ip``): ``REMOTE_ADDR``,
or with ``NUM_PROXIES`` proxies in front the address the nearest of them saw.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend, except that a call without a request (a test client's ``login()``, the
    shell, a command) is not a login through a door and is left to the next backend. Every
    door passes its request: the admin's login form and the token endpoint."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request) -> str:
    """The client's address, as DRF's throttles find it with ``NUM_PROXIES``."""
    meta = getattr(request, "META", {})
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.NUM_PROXIES
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return meta.get("REMOTE_ADDR", "")


def lockout_minutes() -> int:
    cool_off = get_cool_off()
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message() -> str:
    return gettext(
        "ログインに続けて失敗したため、このアカウントまたは接続元からのログインを一時的に"
        "止めています。%(minutes)d分後にもう一度お試しください。急ぐ場合は管理者に解除を"
        "依頼してください。"
    ) % {"minutes": lockout_minutes()}


def is_locked_out(request, username: str) -> bool:
    """Whether a login for ``username`` from this request would be refused now."""
    if getattr(request, "axes_locked_out", False):
        return True
    return AxesProxyHandler.is_locked(request, {"username": username})


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client sees (``AXES_LOCKOUT_CALLABLE``): under /api/ the API's
    error body, elsewhere a page in the admin's look; 429 with Retry-After either way."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    message = lockout_message()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"status": status, "code": "locked_out", "message": message}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        from django.contrib import admin

        context = {**admin.site.each_context(request), "message": message}
        response = TemplateResponse(request, "accounts/locked_out.html", context, status=status)
        response.render()
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response
