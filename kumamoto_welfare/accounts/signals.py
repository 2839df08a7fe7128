"""Receivers: failed logins and lockouts go to the log; a deactivated account loses its
tokens."""

from __future__ import annotations

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .lockout import client_ip
from .sessions import SEEN, STARTED
from .tokens import tokens_revoke

logger = logging.getLogger("kumamoto_welfare.accounts")


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def log_failed_login(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    logger.warning(
        "login failed: username=%r ip=%s path=%s",
        credentials.get("username"),
        client_ip(request),
        request.path,
    )


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "login locked out: username=%r ip=%s path=%s",
        username,
        ip_address,
        getattr(request, "path", ""),
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_revoke_on_deactivation")
def revoke_tokens_of_inactive(sender, instance, **kwargs):
    if not instance.is_active and (count := tokens_revoke(user=instance)):
        logger.info("tokens revoked: username=%r count=%d (deactivated)", instance.username, count)


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def start_session_clock(sender, request=None, user=None, **kwargs):
    """A login through a session (the admin) starts the session's clock anew; a token login
    has no session to start."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not None:
        session[STARTED] = time.time()
        session.pop(SEEN, None)
