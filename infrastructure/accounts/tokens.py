"""API tokens (django-rest-knox): stored as hashes, each with an expiry
(``API_TOKEN_TTL_HOURS``), issued only to active staff with a role, and refused as soon as
the account is deactivated or loses its role. Deactivating an account deletes its tokens."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import exceptions

from infrastructure import policy


def may_hold_token(user) -> bool:
    """Active staff with a role: the only accounts a token is issued to or accepted for."""
    return bool(user.is_active and user.is_staff and policy.actor_of(user).role is not None)


def token_issue(*, user) -> tuple[str, datetime]:
    """A new token for ``user`` (the caller checked who they are): the secret, shown once,
    and its expiry. The user's expired tokens are removed on the way."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, secret = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
    return secret, instance.expiry


def tokens_revoke(*, user) -> int:
    """Delete every token of ``user``; the number deleted."""
    count, _per_model = AuthToken.objects.filter(user=user).delete()
    return count


class AccountRefused(exceptions.AuthenticationFailed):
    pass


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``: 401 for an unknown, expired or revoked token, or one whose
    account is no longer active staff with a role."""

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except AccountRefused:
            raise
        except (exceptions.AuthenticationFailed, UnicodeError):
            raise exceptions.AuthenticationFailed(
                _("トークンが無効か、有効期限が切れています。新しいトークンを取得してください。")
            ) from None

    def validate_user(self, auth_token):
        if not may_hold_token(auth_token.user):
            raise AccountRefused(
                _(
                    "このアカウントではトークンを使えません（無効なアカウントか、役割がありません）。"
                )
            )
        return auth_token.user, auth_token
