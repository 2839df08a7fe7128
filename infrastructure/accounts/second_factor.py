"""The optional second factor: a TOTP device (django-otp) that an authenticator app shows a
six-digit code for. Whoever has a confirmed device is asked for its code at login; with
``REQUIRE_2FA`` planners, admins and superusers must have one, and the admin refuses their
session until it is verified."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django_otp import devices_for_user
from django_otp.models import Device

from infrastructure import policy


def second_factor_required(user) -> bool:
    """Whether the user may not work without a verified second factor (``REQUIRE_2FA``)."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    cached = getattr(user, "_second_factor_required", None)
    if cached is None:
        cached = user.is_superuser or policy.actor_of(user).second_factor
        user._second_factor_required = cached
    return cached


def has_device(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def verify_code(user, code: str) -> Device | None:
    """The user's confirmed device that accepts ``code`` now, or None. Each device throttles
    its own failures (django-otp), so codes cannot be guessed in a loop."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        allowed, _extra = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


class SecondFactorMiddleware:
    """With ``REQUIRE_2FA``, a session of a planner or admin that was never verified (one
    from before the setting was turned on) ends at once, wherever it is used: the admin, the
    pages, the API's session authentication. A login through the admin verifies first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_2FA and getattr(request, "session", None) is not None:
            user = request.user
            if second_factor_required(user) and not user.is_verified():
                logout(request)
        return self.get_response(request)
