"""Lockout after repeated failed logins (django-axes), shared by the admin login and the API
token endpoint, counted within ``AXES_COOLOFF_TIME`` (15 minutes) and lasting as long; even the
right password is then refused:

- ``AXES_FAILURE_LIMIT`` failures (``LOGIN_FAILURE_LIMIT``, 10) for one username lock that
  account;
- ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures (100) from one address, whatever the usernames,
  throttle that address. Much higher than the account's: a city hall reaches the app through
  one proxy address, and two colleagues' typos must not lock out every member of staff.

Axes counts both (``AXES_LOCKOUT_PARAMETERS``) against one limit; ``LockoutHandler`` gives each
its own.

The client's address is the one the API throttle uses too (``client_ip``): ``REMOTE_ADDR``,
or with ``NUM_PROXIES`` proxies in front the address the nearest of them saw.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
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


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per kind of count: the account's failures against
    ``AXES_FAILURE_LIMIT``, the address's against ``LOGIN_ADDRESS_FAILURE_LIMIT``."""

    def failure_counts(self, request, credentials=None) -> tuple[int, int]:
        """Failures within the cool-off for the request's username and from its address."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

        def total(attempts) -> int:
            return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

        username = get_client_username(request, credentials)
        by_username = total(recent.filter(username=username)) if username else 0
        return by_username, total(recent.filter(ip_address=request.axes_ip_address))

    def lockout_reason(self, request, credentials=None) -> str | None:
        """``"account"``, ``"address"`` or None: what stops a login now."""
        by_username, by_address = self.failure_counts(request, credentials)
        if by_username >= get_failure_limit(request, credentials):
            return "account"
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return "address"
        return None

    def get_failures(self, request, credentials=None) -> int:
        """The account's failures, raised to the account's limit once the address is over its
        own: axes compares this one number with ``AXES_FAILURE_LIMIT``."""
        by_username, by_address = self.failure_counts(request, credentials)
        if by_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username


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


def lockout_message(reason: str | None = "account") -> str:
    """What a refused login is told: the account's lockout, or the address's throttle."""
    if reason == "address":
        return gettext(
            "この接続元からのログインの失敗が多すぎるため、この接続元からのログインを一時的に"
            "止めています。%(minutes)d分後にもう一度お試しください。続く場合は管理者に"
            "連絡してください。"
        ) % {"minutes": lockout_minutes()}
    return gettext(
        "ログインに続けて失敗したため、このアカウントまたは接続元からのログインを一時的に"
        "止めています。%(minutes)d分後にもう一度お試しください。急ぐ場合は管理者に解除を"
        "依頼してください。"
    ) % {"minutes": lockout_minutes()}


def lockout_reason(request, username: str | None) -> str | None:
    """``"account"`` when ``username`` is locked, ``"address"`` when the request's address is
    throttled, None when a login may go ahead."""
    AxesProxyHandler.update_request(request)
    return _handler().lockout_reason(request, {"username": username})


def _handler() -> LockoutHandler:
    handler = AxesProxyHandler.get_implementation()
    return handler if isinstance(handler, LockoutHandler) else LockoutHandler()


def is_locked_out(request, username: str) -> bool:
    """Whether a login for ``username`` from this request would be refused now."""
    if getattr(request, "axes_locked_out", False):
        return True
    return AxesProxyHandler.is_locked(request, {"username": username})


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client sees (``AXES_LOCKOUT_CALLABLE``): under /api/ the API's
    error body, elsewhere a page in the admin's look; 429 with Retry-After either way."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    username = get_client_username(request, credentials)
    message = lockout_message(lockout_reason(request, username) or "account")
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
