"""``/api/v1/auth/token/``: a username and password (and the second factor's code where one
is needed) for a token; DELETE with the token revokes it."""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .lockout import is_locked_out, lockout_message, lockout_minutes, lockout_reason
from .second_factor import has_device, second_factor_required, verify_code
from .tokens import may_hold_token, token_issue


class LockedOut(exceptions.Throttled):
    """Too many failed logins: 429 with the lockout message, in the API's error body."""

    default_code = "locked_out"

    def __init__(self, reason: str | None = "account"):
        super().__init__(wait=lockout_minutes() * 60)
        self.detail = exceptions.ErrorDetail(lockout_message(reason), code=self.default_code)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="The six-digit code of the user's authenticator app: required where the "
        "account has a TOTP device (and of planners and admins with REQUIRE_2FA).",
    )


TokenResponse = inline_serializer(
    "AuthToken",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token …`."),
        "expiry": serializers.DateTimeField(help_text="The token is refused (401) after this."),
    },
)


class TokenView(APIView):
    """Issue an API token to active staff with a role. Failed logins count towards the
    lockout of the admin login too (infrastructure/accounts/lockout.py)."""

    serializer_class = TokenRequestSerializer

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_authenticators(self):
        authenticators = super().get_authenticators()
        if getattr(self.request, "method", "POST") == "DELETE":
            return authenticators
        return []  # a POST is a login: a stale token in the header must not answer 401

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponse},
        summary="Obtain an API token",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            if is_locked_out(request, data["username"]):
                raise LockedOut(lockout_reason(request, data["username"]) or "account")
            raise exceptions.ValidationError(
                {"non_field_errors": [_("ユーザー名またはパスワードが正しくありません。")]}
            )
        if not may_hold_token(user):
            raise exceptions.PermissionDenied(
                _("APIトークンは役割のある有効な職員アカウントにだけ発行します。")
            )
        if has_device(user) or second_factor_required(user):
            if not has_device(user):
                raise exceptions.PermissionDenied(
                    _(
                        "このアカウントには2段階認証が必要です。管理者に認証アプリの登録を依頼してください。"
                    )
                )
            if verify_code(user, data.get("otp_token", "")) is None:
                raise exceptions.ValidationError(
                    {"otp_token": [_("確認コードが正しくないか、期限が切れています。")]}
                )
        secret, expiry = token_issue(user=user)
        # Recorded like any login: last_login, and the lockout's access log.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(
            {"token": secret, "expiry": serializers.DateTimeField().to_representation(expiry)}
        )

    @extend_schema(request=None, responses={204: None}, summary="Revoke the token sent")
    def delete(self, request):
        if request.auth is None or not hasattr(request.auth, "delete"):
            raise exceptions.NotAuthenticated(
                _("取り消すトークンを Authorization で送ってください。")
            )
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
