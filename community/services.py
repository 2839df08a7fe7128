"""Writes to wards, districts and staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kumamoto_welfare.access import Role

from .models import StaffProfile, Ward


@transaction.atomic
def staff_create(
    *, username: str, role: Role, password: str, ward: Ward | None = None, email: str = ""
) -> AbstractUser:
    """Create a staff account with one role. A ward officer belongs to exactly one ward;
    planners and admins work city-wide and have none."""
    if role is Role.WARD_OFFICER and ward is None:
        raise ValidationError({"ward": _("区職員には区を指定してください。")})
    if role is not Role.WARD_OFFICER and ward is not None:
        raise ValidationError({"ward": _("区を指定できるのは区職員だけです。")})
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": _("ユーザー名「%(name)s」は使われています。") % {"name": username}}
        )
    user = user_model(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    StaffProfile.objects.create(user=user, ward=ward)
    return user
