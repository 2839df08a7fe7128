"""The roles of staff accounts and the rules of the organisation, for the one access policy
(``infrastructure.policy``).

Four roles, each a Django group of the same name (kept in step with the grants after every
``migrate``):

- ``ward_officer`` (区職員): reads the plan; enters their own ward's figures and records.
- ``department_officer`` (所管課職員): reads the plan; writes the 一次評価 (primary evaluation)
  of the sections and initiatives their department (所管課) is responsible for.
- ``planner`` (計画担当): every ward and city-wide; edits plan content and indicators, approves.
- ``admin`` (管理者): everything granted, staff accounts included.
- ``prefecture`` (都道府県職員): a prefecture's staff (``StaffProfile.prefecture_code``):
  reads what the public reads, the approved data of every municipality (the prefecture's
  view across its own), and writes nothing of any municipality's.

The ward a ward officer belongs to is ``StaffProfile.ward``, the department of a department
officer ``StaffProfile.department``. The rules below (``WardRecords``, ``WardWorkflow``,
``DepartmentWorkflow``, ``PlanContent``) say which rows of a model each role reaches; each app
grants its own models with them in its ``policy.py``. This module grants the organisation's
own models, and those of the infrastructure and of Django that staff accounts use.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infrastructure import policy, tenancy
from infrastructure.policy import APPROVE, CHANGE, CREATE, DELETE, REOPEN, RETURN, SUBMIT, VIEW
from infrastructure.workflow import Status, entered_or_submitted_by

from .areas import area_word
from .tenants import serves_several

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from community.models import Department, Ward


class Role(enum.StrEnum):
    WARD_OFFICER = "ward_officer"
    DEPARTMENT_OFFICER = "department_officer"
    PLANNER = "planner"
    ADMIN = "admin"
    PREFECTURE = "prefecture"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.WARD_OFFICER: _("区職員"),
    Role.DEPARTMENT_OFFICER: _("所管課職員"),
    Role.PLANNER: _("計画担当"),
    Role.ADMIN: _("管理者"),
    Role.PREFECTURE: _("都道府県職員"),
}
CITY_WIDE_ROLES = (Role.PLANNER, Role.ADMIN)
SECOND_FACTOR_ROLES = (Role.PLANNER, Role.ADMIN)


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role, the highest if several groups are held; None for the public. A
    superuser (``createsuperuser``) is an admin."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}
    for role in (
        Role.ADMIN,
        Role.PLANNER,
        Role.WARD_OFFICER,
        Role.DEPARTMENT_OFFICER,
        Role.PREFECTURE,
    ):
        if role.value in names:
            return role
    return None


def ward_of(user: AbstractBaseUser | AnonymousUser) -> Ward | None:
    """The ward a ward officer works for; None for city-wide roles and the public."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.ward if profile else None


def department_of(user: AbstractBaseUser | AnonymousUser) -> Department | None:
    """The department (所管課) a department officer works for; None for anyone else."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.department if profile else None


@dataclass(frozen=True)
class Scope:
    """Who is asking, as the policy's rules see it (an ``infrastructure.policy.Actor``): the
    role, and the ward or department it works for. Built by ``scope_of``; ``key`` names the
    slice of data it sees, for caches."""

    role: Role | None = None
    ward_id: int | None = None
    department_id: int | None = None
    user_id: int | None = field(default=None, compare=False)
    # The municipality the staff member works for, where the installation serves several
    # (None: one municipality installed, an installation administrator, the public).
    tenant_id: int | None = None

    @property
    def city_wide(self) -> bool:
        return self.role in CITY_WIDE_ROLES

    unrestricted = city_wide

    @property
    def second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    @property
    def key(self) -> str:
        municipality = f"m{self.tenant_id}-" if self.tenant_id is not None else ""
        if self.city_wide:
            return f"{municipality}city-wide"
        if self.role is Role.WARD_OFFICER and self.ward_id is not None:
            return f"ward-{self.ward_id}"
        if self.role is Role.DEPARTMENT_OFFICER and self.department_id is not None:
            return f"department-{self.department_id}"
        return "public"

    def sees_unapproved(self, ward_id: int | None) -> bool:
        """Whether unapproved records of ``ward_id`` (None: city-wide) are in this scope."""
        if self.city_wide:
            return True
        return self.role is Role.WARD_OFFICER and ward_id is not None and ward_id == self.ward_id


PUBLIC = Scope()
CITY_WIDE_SCOPE = Scope(role=Role.PLANNER)


def scope_of(user_or_scope) -> Scope:
    """The user's scope (a Scope is returned as it is)."""
    if isinstance(user_or_scope, Scope):
        return user_or_scope
    role = role_of(user_or_scope)
    if role is None:
        return PUBLIC
    if role is Role.PREFECTURE:
        # A prefecture's staff read what the public reads, in every municipality's site
        # (a reader role: ``register``), and hold a token for the API.
        return Scope(role=role, user_id=user_or_scope.pk)
    tenant_id = None
    if not user_or_scope.is_superuser and serves_several():
        # Roles hold within the staff member's own municipality: in another's site (or
        # none) they read what the public reads. A superuser administers the installation.
        tenant_id = municipality_id_of(user_or_scope)
        current = tenancy.current_id()
        if tenant_id is None or (current is not None and current != tenant_id):
            return PUBLIC
    ward = ward_of(user_or_scope) if role is Role.WARD_OFFICER else None
    department = department_of(user_or_scope) if role is Role.DEPARTMENT_OFFICER else None
    return Scope(
        role=role,
        ward_id=getattr(ward, "pk", None),
        department_id=getattr(department, "pk", None),
        user_id=user_or_scope.pk,
        tenant_id=tenant_id,
    )


def municipality_id_of(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The municipality a staff member works for: their profile's, else their ward's or
    department's; None for the public and for an account with no profile."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return None
    if profile.municipality_id is not None:
        return profile.municipality_id
    # Read only when the profile names no municipality (made before it had the key).
    for place in ("ward", "department"):
        if getattr(profile, f"{place}_id") is not None:
            found = getattr(profile, place).municipality_id
            if found is not None:
                return found
    return None


def works_city_wide(user) -> bool:
    """Planners and admins work for every ward and city-wide; anyone else is limited to the
    ward of their staff profile (if any)."""
    return scope_of(user).city_wide


def wards_in_full(user, wards: QuerySet) -> QuerySet:
    """The wards of ``wards`` whose unapproved records ``user`` (or a Scope) sees: all of
    them for planners and admins, their own for a ward officer, none for the public."""
    scope = scope_of(user)
    if scope.city_wide:
        return wards
    return wards.filter(pk=scope.ward_id) if scope.ward_id is not None else wards.none()


# --- The rules --------------------------------------------------------------------------
#
# - Everyone, the public included, sees approved records, and records without approval.
# - A ward officer also sees every record of their own ward, and edits, deletes and submits
#   their own ward's drafts; they never approve, and cannot touch city-wide records.
# - A department officer also sees every record of their department, and writes its drafts
#   of the kind the model's rule names (the 一次評価); never another's, never approves.
# - Planners and admins see everything, edit drafts and submitted records of any ward or
#   city-wide, approve or return submitted ones, and reopen approved ones with a reason.
# - Approved records are locked for everyone until reopened; rows that come from the plan
#   document are managed by load_plan alone.

LOGIN_FIRST = _("職員としてログインしてください。")


def _not_from_plan(model) -> Q:
    fields = {f.name for f in model._meta.get_fields()}
    return ~Q(origin="plan") if "origin" in fields else Q()


class PlanContent(policy.Rule):
    """The plan's content: public; the roles' actions (``grant``) decide the rest."""


class WardPlanContent(PlanContent):
    """Plan content set for the city or one ward (targets): who set it is shown in the ward's
    scope (its officers, planners)."""

    def in_scope(self, actor: Scope, record) -> bool:
        return actor.sees_unapproved(record.ward_id)


class WardRecords(policy.Rule):
    """Records a ward keeps without approval (directory entries, school districts, health
    town-planning stages, volunteer headcounts): public; planners and admins write them
    anywhere, city-wide included; a ward officer only in their own ward. ``ward`` names the
    path from the row to its ward (the model's ``ward_id`` gives it on a row)."""

    def __init__(self, ward: str = "ward", not_from_plan: Q | None = None):
        self.ward = ward
        self.not_from_plan = Q() if not_from_plan is None else not_from_plan

    def rows(self, actor: Scope, action: str) -> Q:
        if action == VIEW:
            return Q()
        if actor.city_wide:
            return self.not_from_plan
        if actor.role is Role.WARD_OFFICER and actor.ward_id is not None:
            return Q(**{self.ward: actor.ward_id}) & self.not_from_plan
        return Q(pk__in=[])

    def denial(self, actor: Scope, action: str, record) -> str | None:
        if action == VIEW:
            return None
        if actor.role is None:
            return str(LOGIN_FIRST)
        if action not in (CREATE, CHANGE, DELETE):
            return gettext("この記録には承認の手続きはありません。")
        ward_id = record.ward_id
        if not actor.city_wide and (ward_id is None or ward_id != actor.ward_id):
            if ward_id is None:
                return gettext("市全体の記録は計画担当だけが登録・変更できます。")
            return gettext("他の%(area)sのデータは登録・変更できません。") % {"area": area_word()}
        if getattr(record, "origin", "") == "plan":
            return gettext(
                "計画書に載っている記録は変更できません。計画書の読み込みでだけ変わります。"
            )
        return None

    def in_scope(self, actor: Scope, record) -> bool:
        return actor.sees_unapproved(getattr(record, "ward_id", None))

    def choices(self, actor: Scope, field_name: str, queryset):
        if field_name != "ward" or actor.city_wide:
            return None
        return queryset.filter(pk=actor.ward_id) if actor.ward_id else queryset.none()

    def bind(self, model) -> WardRecords:
        return type(self)(
            ward=getattr(model, "WARD_LOOKUP", "ward"), not_from_plan=_not_from_plan(model)
        )


class WardWorkflow(WardRecords):
    """Records a ward reports and a planner approves (indicator values, initiative progress):
    draft → submitted → approved (``infrastructure.workflow``). A ward's records are its
    officers'; the city-wide ones (no ward) are the planners' and, where ``department_items``
    says how a row reaches its department (所管課), that department's officers'."""

    def __init__(self, ward="ward", not_from_plan=None, *, department_items=None):
        super().__init__(ward=ward, not_from_plan=not_from_plan)
        # The record's subject fields (indicator, initiative, section), each with the rows of
        # its model a department (所管課) answers for: department id -> Q on that model.
        self.department_items = department_items or {}
        self.subject_models = {}

    def bind(self, model) -> WardWorkflow:
        bound = super().bind(model)
        bound.department_items = self.department_items
        bound.subject_models = {
            name: model._meta.get_field(name).related_model for name in self.department_items
        }
        return bound

    def department_rows(self, department_id) -> Q | None:
        """The records whose subject is the department's, or None where the rule names no
        subject a department answers for."""
        if not self.department_items:
            return None
        found = Q(pk__in=[])
        for name, items in self.department_items.items():
            subjects = self.subject_models[name].objects.filter(items(department_id))
            found |= Q(**{f"{name}__in": subjects.values("pk")})
        return found

    def _own_city_wide(self, actor: Scope) -> Q | None:
        """A department officer's city-wide rows, or None where the rule has none."""
        if (
            not self.department_items
            or actor.role is not Role.DEPARTMENT_OFFICER
            or actor.department_id is None
        ):
            return None
        return Q(ward__isnull=True) & self.department_rows(actor.department_id)

    def rows(self, actor: Scope, action: str) -> Q:
        own_city_wide = self._own_city_wide(actor)
        if action == VIEW:
            if actor.city_wide:
                return Q()
            approved = Q(status=Status.APPROVED)
            if actor.role is Role.WARD_OFFICER and actor.ward_id is not None:
                return approved | Q(ward=actor.ward_id)
            return approved | own_city_wide if own_city_wide is not None else approved
        if actor.city_wide:
            return Q(status__in=[Status.DRAFT, Status.SUBMITTED])
        if actor.role is Role.WARD_OFFICER and actor.ward_id is not None:
            return Q(status=Status.DRAFT, ward=actor.ward_id)
        if own_city_wide is not None:
            return Q(status=Status.DRAFT) & own_city_wide
        return Q(pk__in=[])

    def _owns(self, actor: Scope, record) -> bool:
        """Whether the record is in the actor's own reach: its ward's officer, or for a
        city-wide record its department's officer."""
        if record.ward_id is not None:
            return actor.role is Role.WARD_OFFICER and record.ward_id == actor.ward_id
        return (
            bool(self.department_items)
            and actor.role is Role.DEPARTMENT_OFFICER
            and actor.department_id is not None
            and record.department_id == actor.department_id
        )

    def denial(self, actor: Scope, action: str, record) -> str | None:
        if action == VIEW and record.status == Status.APPROVED:
            return None  # approved figures are public
        if actor.role is None:
            return str(LOGIN_FIRST)
        own = self._owns(actor, record)
        if action == VIEW:
            if actor.city_wide or own:
                return None
            return gettext("他の%(area)sの未承認のデータは見られません。") % {"area": area_word()}
        if not actor.city_wide and not own:
            if record.ward_id is None:
                if not self.department_items:
                    return gettext("市全体の値は計画担当だけが登録・変更できます。")
                return gettext(
                    "市全体の値は、その項目の所管課の職員と計画担当が登録・変更できます。"
                )
            return gettext("他の%(area)sのデータは登録・変更できません。") % {"area": area_word()}
        if getattr(record, "origin", "") == "plan":
            return gettext(
                "計画書に載っている値は変更できません。計画書の読み込みでだけ変わります。"
            )
        return status_denial(actor, action, record)

    def in_scope(self, actor: Scope, record) -> bool:
        return actor.city_wide or self._owns(actor, record)

    def choices(self, actor: Scope, field_name: str, queryset):
        own_city_wide = self._own_city_wide(actor)
        if own_city_wide is not None and field_name == "ward":
            return queryset.none()  # city-wide only
        if own_city_wide is not None and field_name in self.department_items:
            # A department officer reports on its own items only.
            return queryset.filter(self.department_items[field_name](actor.department_id))
        return super().choices(actor, field_name, queryset)


def status_denial(actor: Scope, action: str, record) -> str | None:
    """The workflow's rules, once the record is in the actor's reach."""
    if action in (VIEW, CREATE, SUBMIT):
        return None
    if action in (CHANGE, DELETE):
        if record.status == Status.APPROVED:
            return gettext(
                "承認済みの記録は変更できません。計画担当に承認の取り消しを依頼してください。"
            )
        if record.status == Status.SUBMITTED and not actor.city_wide:
            return gettext("提出済みの記録は変更できません。差し戻しを待ってください。")
        return None
    if action in (APPROVE, RETURN, REOPEN):
        if not actor.city_wide:
            return gettext("承認・差し戻しは計画担当が行います。")
        if (
            action == APPROVE
            and not settings.ALLOW_SELF_APPROVAL
            and actor.user_id is not None
            and entered_or_submitted_by(record, actor.user_id)
        ):
            return gettext(
                "自分が入力または提出した記録は承認できません。別の計画担当が承認します。"
            )
        return None
    raise ValueError(f"unknown action {action!r}")


class DepartmentWorkflow(policy.Rule):
    """Records kept per department (所管課) with the workflow (evaluations). ``lookups`` name
    how a row reaches its department (``("section__department", "initiative__department")``),
    the row's ``department_id`` gives it (None: none, as a pillar-level evaluation), and
    ``writes`` the field values of the rows a department writes (``{"stage": "primary"}``)."""

    def __init__(self, *, lookups: tuple[str, ...], writes: dict[str, object]):
        self.lookups = lookups
        self.writes = writes

    def _department(self, department_id: int) -> Q:
        condition = Q(pk__in=[])
        for lookup in self.lookups:
            condition |= Q(**{lookup: department_id})
        return condition

    def rows(self, actor: Scope, action: str) -> Q:
        own = actor.role is Role.DEPARTMENT_OFFICER and actor.department_id is not None
        if action == VIEW:
            if actor.city_wide:
                return Q()
            approved = Q(status=Status.APPROVED)
            return approved | self._department(actor.department_id) if own else approved
        if actor.city_wide:
            return Q(status__in=[Status.DRAFT, Status.SUBMITTED])
        if own:
            return Q(status=Status.DRAFT, **self.writes) & self._department(actor.department_id)
        return Q(pk__in=[])

    def denial(self, actor: Scope, action: str, record) -> str | None:
        if action == VIEW and record.status == Status.APPROVED:
            return None
        if actor.role is None:
            return str(LOGIN_FIRST)
        if not actor.city_wide:
            department_id = record.department_id
            own = (
                actor.role is Role.DEPARTMENT_OFFICER
                and department_id is not None
                and department_id == actor.department_id
            )
            if action == VIEW:
                return None if own else gettext("他の所管課の未承認の評価は見られません。")
            if actor.role is not Role.DEPARTMENT_OFFICER:
                return gettext("評価は所管課の職員と計画担当が登録します。")
            if department_id is None:
                return gettext("所管課のない項目（施策全体など）の評価は計画担当が登録します。")
            if not own:
                return gettext("他の所管課の評価は登録・変更できません。")
            if not all(getattr(record, name) == value for name, value in self.writes.items()):
                return gettext(
                    "所管課が登録できるのは一次評価だけです。二次評価と審議会意見は計画担当が"
                    "登録します。"
                )
        return status_denial(actor, action, record)

    def choices(self, actor: Scope, field_name: str, queryset):
        """The values of a field ``writes`` names (the stage) a department officer may give
        (``queryset``: the field's values): the one it writes; none for a role that writes
        none; not limited for planners."""
        if field_name not in self.writes or actor.city_wide:
            return None
        if actor.role is Role.DEPARTMENT_OFFICER:
            return [value for value in queryset if value == self.writes[field_name]]
        return []

    def in_scope(self, actor: Scope, record) -> bool:
        if actor.city_wide:
            return True
        return (
            actor.role is Role.DEPARTMENT_OFFICER
            and actor.department_id is not None
            and record.department_id == actor.department_id
        )


# The actions of the roles on the kinds of rows, named once for every app's policy.py.
READ = policy.READ
WRITE = policy.WRITE
REPORT = policy.WRITE | {SUBMIT}  # a ward's records: rows limited by the rule
REVIEW = policy.EVERYTHING  # planners on records they approve


def register() -> None:
    """The roles, and the grants of the organisation's models and of the ones of the
    infrastructure and Django that staff use (``CommunityConfig.ready``)."""
    policy.register_roles(
        [role.value for role in Role],
        superior=Role.ADMIN.value,
        resolve=scope_of,
        public=PUBLIC,
        readers=[Role.PREFECTURE.value],
    )
    from community import models

    staff = {Role.WARD_OFFICER.value: READ, Role.DEPARTMENT_OFFICER.value: READ}
    planner = Role.PLANNER.value
    for model in (models.Municipality, models.Ward, models.LifeStage):
        policy.grant(model, PlanContent(), public=READ, **staff, **{planner: READ})
    policy.grant(models.Department, PlanContent(), public=READ, **staff, **{planner: WRITE})
    policy.grant(models.OrganisationType, PlanContent(), public=READ, **staff, **{planner: WRITE})
    policy.grant(models.VolunteerProgram, PlanContent(), public=READ, **staff, **{planner: WRITE})
    for model in (
        models.SchoolDistrict,
        models.CommunityResource,
        models.HealthTownPlanningRecord,
        models.VolunteerHeadcount,
    ):
        policy.grant(
            model,
            WardRecords(),
            public=READ,
            ward_officer=WRITE,
            department_officer=READ,
            planner=WRITE,
        )
    policy.grant(models.StaffProfile)  # the admin's, through staff accounts

    # Staff accounts and what signing in keeps: the admin's alone.
    from django.contrib.auth.models import Group, User

    # An account is of the municipality its staff profile names (an administrator of the
    # installation: of none).
    policy.grant(User, tenant="staff_profile__municipality")
    policy.grant(Group)
    _grant_sign_in_models()

    # Background jobs: everyone their own, planners and admins all; workers' heartbeats.
    from infrastructure.jobs.models import Job, WorkerHeartbeat

    policy.grant(Job, policy.OwnRows(), **staff, **{planner: READ})
    policy.grant(WorkerHeartbeat, **{planner: READ})


def _grant_sign_in_models() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        policy.grant(model)
    for model in (TOTPDevice, AuthToken):
        policy.grant(model, tenant="user__staff_profile__municipality")


class RolePermissionBackend(ModelBackend):
    """Django's authentication and model permissions (the admin's own checks), held where
    the staff member's role holds: with several municipalities loaded, a staff member in
    another municipality's site has none there, as the policy gives them none
    (``scope_of``). With one municipality, Django's ``ModelBackend`` as it is."""

    def get_group_permissions(self, user_obj, obj=None):
        if serves_several() and not user_obj.is_superuser and scope_of(user_obj).role is None:
            return set()
        return super().get_group_permissions(user_obj, obj)
