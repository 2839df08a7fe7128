"""Receivers: failed logins and lockouts go to the log; a deactivated account loses its
tokens; a changed password ends the account's tokens and sessions."""

from __future__ import annotations

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .lockout import client_ip
from .sessions import SEEN, STARTED, sessions_end
from .tokens import tokens_revoke

logger = logging.getLogger("infrastructure.accounts")


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


PASSWORD_CHANGED = "_accounts_password_changed"


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts_note_password_change")
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Whether this save changes a stored password: by whatever door (the admin's password
    change, an admin setting another's password, ``changepassword``, a password reset, the
    shell), the new hash differs from the stored one. Django's own rehashing at login (a
    stronger hasher, more iterations; ``set_password`` then ``_password = None`` and a save of
    the password alone) is not a change."""
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None:
        if "password" not in update_fields:
            return
        if set(update_fields) == {"password"} and getattr(instance, "_password", None) is None:
            return  # a hash upgrade at login: the same password
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    stored = stored.first()
    if stored is not None and stored != instance.password:
        setattr(instance, PASSWORD_CHANGED, True)


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts_end_on_password_change")
def end_tokens_and_sessions_on_password_change(sender, instance, raw=False, **kwargs):
    """A new password ends the account's API tokens and browser sessions. The session that
    changed its own password stays signed in: Django's password change views call
    ``update_session_auth_hash``, which stores that session anew after this."""
    if raw or not getattr(instance, PASSWORD_CHANGED, False):
        return
    delattr(instance, PASSWORD_CHANGED)
    tokens = tokens_revoke(user=instance)
    sessions = sessions_end(user=instance)
    logger.info(
        "password changed: username=%r tokens revoked=%d sessions ended=%d",
        instance.username,
        tokens,
        sessions,
    )


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def start_session_clock(sender, request=None, user=None, **kwargs):
    """A login through a session (the admin) starts the session's clock anew; a token login
    has no session to start."""
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) is not None:
        session[STARTED] = time.time()
        session.pop(SEEN, None)
