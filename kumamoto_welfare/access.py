"""Who may see and do what: the roles of staff accounts, in one place.

Three roles, each a Django group of the same name, created and kept in step by migrations
(``sync_role_groups``):

- ``ward_officer`` (区職員): reads the plan; enters indicator values for their own ward.
- ``planner`` (計画担当): all wards; edits plan content and indicators.
- ``admin`` (管理者): everything, including staff accounts.

The ward a ward officer belongs to is ``community.StaffProfile.ward``. The row-level rules
(own ward only, approval) build on ``role_of`` and ``ward_of`` here, so that the admin, the API
and imports all ask the same question.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from community.models import Ward


class Role(enum.StrEnum):
    WARD_OFFICER = "ward_officer"
    PLANNER = "planner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.WARD_OFFICER: _("区職員"),
    Role.PLANNER: _("計画担当"),
    Role.ADMIN: _("管理者"),
}

# Model-level permissions of each role, as {app_label: {model: actions}}. The admin role
# holds every permission there is and is not listed.
_VIEW = ("view",)
_ALL = ("add", "change", "delete", "view")
PLAN_MODELS = (
    "plan",
    "priorityarea",
    "pillar",
    "section",
    "challenge",
    "initiative",
    "action",
    "figure",
)
ROLE_PERMISSIONS: dict[Role, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.WARD_OFFICER: {
        "programs": dict.fromkeys(PLAN_MODELS, _VIEW),
        "indicators": {"indicator": _VIEW, "indicatorvalue": ("add", "change", "view")},
        "community": {"ward": _VIEW, "schooldistrict": _VIEW, "organisationtype": _VIEW},
    },
    Role.PLANNER: {
        "programs": dict.fromkeys(PLAN_MODELS, _ALL),
        "indicators": {"indicator": _ALL, "indicatorvalue": _ALL},
        "community": {"ward": _VIEW, "schooldistrict": _ALL, "organisationtype": _ALL},
    },
}


def permission_codenames(role: Role) -> set[tuple[str, str]]:
    """``{(app_label, codename)}`` of a role other than admin."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in ROLE_PERMISSIONS[role].items()
        for model, actions in models.items()
        for action in actions
    }


def sync_role_groups(apps: Apps) -> None:
    """Create the role groups and set their permissions exactly. Idempotent.

    Takes an app registry so that data migrations can call it with their historical one;
    a migration that adds models calls it again so the roles cover them.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations ran; create them now.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    every_permission = list(permission_model.objects.all())
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        if role is Role.ADMIN:
            group.permissions.set(every_permission)
            continue
        wanted = permission_codenames(role)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"Unknown permissions for role {role}: {sorted(missing)}")
        group.permissions.set(permissions)


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role, the highest if several groups are held; None for the public."""
    if not user.is_authenticated or not user.is_active:
        return None
    names = {group.name for group in user.groups.all()}
    for role in (Role.ADMIN, Role.PLANNER, Role.WARD_OFFICER):
        if role.value in names:
            return role
    return None


def ward_of(user: AbstractBaseUser | AnonymousUser) -> Ward | None:
    """The ward a ward officer works for; None for city-wide roles and the public."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.ward if profile else None
