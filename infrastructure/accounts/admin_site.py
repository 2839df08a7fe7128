"""The staff admin site (``admin.site``): Django's, with the second factor at login and,
with ``REQUIRE_2FA``, a verified device required of planners and admins on every page."""

from __future__ import annotations

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .second_factor import has_device, second_factor_required, verify_code


class StaffLoginForm(AdminAuthenticationForm):
    """Username and password (counted by the lockout), then the code of the user's TOTP
    device if they have one or must have one."""

    otp_token = forms.CharField(
        label=_("確認コード"),
        required=False,
        max_length=16,
        help_text=_("2段階認証を使う人だけ：認証アプリに表示される6桁の数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        enrolled = has_device(user)
        if not enrolled and second_factor_required(user):
            raise ValidationError(
                _(
                    "このアカウントには2段階認証が必要ですが、認証アプリが登録されていません。"
                    "管理者に登録を依頼してください。"
                ),
                code="second_factor_missing",
            )
        if enrolled:
            device = verify_code(user, cleaned.get("otp_token", ""))
            if device is None:
                raise ValidationError(
                    _(
                        "確認コードが正しくないか、期限が切れています。認証アプリの6桁の数字を入力してください。"
                    ),
                    code="second_factor_invalid",
                )
            # django-otp's login receiver keeps the verified device in the session.
            user.otp_device = device
        return cleaned


class StaffAdminSite(AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/accounts/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if second_factor_required(request.user):
            is_verified = getattr(request.user, "is_verified", None)
            return bool(is_verified and is_verified())
        return True
