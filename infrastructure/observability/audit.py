"""Audit events on the ``kumamoto_welfare.audit`` logger: sign-ins and failed sign-ins (the
admin's login form and the API's token endpoint alike go through ``authenticate``), and
sign-outs. Refused actions are logged where the policy refuses them
(``infrastructure.policy.check``)."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

audit = logging.getLogger("kumamoto_welfare.audit")


def client(request) -> dict[str, str]:
    """Where a request came from, as far as this server can tell (the proxy's header as
    sent: which hop to trust is the proxy setting's business)."""
    if request is None:
        return {}
    meta = request.META
    found = {"remote_addr": meta.get("REMOTE_ADDR", ""), "path": request.path}
    if forwarded := meta.get("HTTP_X_FORWARDED_FOR"):
        found["forwarded_for"] = forwarded[:200]
    return found


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.warning(
        "login failed: %s",
        username,
        extra={"event": "login_failed", "username": username, **client(request)},
    )


@receiver(user_logged_in, dispatch_uid="audit-logged-in")
def logged_in(sender, request, user, **kwargs) -> None:
    audit.info(
        "login: %s",
        user.get_username(),
        extra={"event": "login", "username": user.get_username(), **client(request)},
    )


@receiver(user_logged_out, dispatch_uid="audit-logged-out")
def logged_out(sender, request, user, **kwargs) -> None:
    username = user.get_username() if user is not None else ""
    audit.info(
        "logout: %s",
        username,
        extra={"event": "logout", "username": username, **client(request)},
    )
