"""Who may see and do what: the roles of staff accounts, in one place.

Four roles, each a Django group of the same name, created and kept in step by migrations
(``sync_role_groups``):

- ``ward_officer`` (区職員): reads the plan; enters indicator values for their own ward.
- ``department_officer`` (所管課職員): reads the plan; writes the 一次評価 (primary
  evaluation) of the sections and initiatives their department (所管課) is responsible for.
- ``planner`` (計画担当): all wards; edits plan content and indicators.
- ``admin`` (管理者): everything, including staff accounts.

The ward a ward officer belongs to is ``community.StaffProfile.ward``, the department of a
department officer ``community.StaffProfile.department``. The row-level rules (own ward or
department only, approval) build on ``role_of``, ``ward_of`` and ``department_of`` here, so
that the admin, the API and imports all ask the same question.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

    from community.models import Department, Ward

audit = logging.getLogger("kumamoto_welfare.audit")


class Role(enum.StrEnum):
    WARD_OFFICER = "ward_officer"
    DEPARTMENT_OFFICER = "department_officer"
    PLANNER = "planner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.WARD_OFFICER: _("区職員"),
    Role.DEPARTMENT_OFFICER: _("所管課職員"),
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
_REPORT = ("add", "change", "delete", "view")  # rows limited by the rules further down
# Records the wards keep without approval (rows limited by the rules further down too).
COMMUNITY_RECORDS = ("communityresource", "healthtownplanningrecord", "volunteerheadcount")
COMMUNITY_HISTORIES = tuple(f"historical{model}" for model in COMMUNITY_RECORDS)
ROLE_PERMISSIONS: dict[Role, dict[str, dict[str, tuple[str, ...]]]] = {
    Role.WARD_OFFICER: {
        "programs": {
            **dict.fromkeys(PLAN_MODELS, _VIEW),
            "initiativeprogress": _REPORT,
            "initiativeprogresstransition": _VIEW,
            "historicalinitiativeprogress": _VIEW,
        },
        "indicators": {
            "indicator": _VIEW,
            "indicatorvalue": _REPORT,
            "indicatorvaluetransition": _VIEW,
            "historicalindicatorvalue": _VIEW,
            "target": _VIEW,
            "historicaltarget": _VIEW,
            "ratingrule": _VIEW,
            "ratingband": _VIEW,
        },
        "evaluations": {
            "evaluation": _VIEW,  # approved ones (the rules below)
            "evaluationtransition": _VIEW,
            "historicalevaluation": _VIEW,
        },
        "community": {
            "municipality": _VIEW,  # from the plan's data files only
            "ward": _VIEW,
            "department": _VIEW,
            "schooldistrict": _REPORT,
            "historicalschooldistrict": _VIEW,
            "organisationtype": _VIEW,
            **dict.fromkeys(COMMUNITY_RECORDS, _REPORT),
            **dict.fromkeys(COMMUNITY_HISTORIES, _VIEW),
            "lifestage": _VIEW,
            "volunteerprogram": _VIEW,
        },
        "jobs": {"job": _VIEW},  # their own jobs only (jobs.admin)
    },
    Role.DEPARTMENT_OFFICER: {
        "programs": {
            **dict.fromkeys(PLAN_MODELS, _VIEW),
            "initiativeprogress": _VIEW,
            "initiativeprogresstransition": _VIEW,
            "historicalinitiativeprogress": _VIEW,
        },
        "indicators": {
            "indicator": _VIEW,
            "indicatorvalue": _VIEW,
            "indicatorvaluetransition": _VIEW,
            "historicalindicatorvalue": _VIEW,
            "target": _VIEW,
            "historicaltarget": _VIEW,
            "ratingrule": _VIEW,
            "ratingband": _VIEW,
        },
        "evaluations": {
            "evaluation": _REPORT,  # their department's 一次評価 only (the rules below)
            "evaluationtransition": _VIEW,
            "historicalevaluation": _VIEW,
        },
        "community": {  # public records, read only
            "municipality": _VIEW,
            "ward": _VIEW,
            "department": _VIEW,
            "schooldistrict": _VIEW,
            "historicalschooldistrict": _VIEW,
            "organisationtype": _VIEW,
            **dict.fromkeys(COMMUNITY_RECORDS, _VIEW),
            **dict.fromkeys(COMMUNITY_HISTORIES, _VIEW),
            "lifestage": _VIEW,
            "volunteerprogram": _VIEW,
        },
        "jobs": {"job": _VIEW},  # their own jobs only (jobs.admin)
    },
    Role.PLANNER: {
        "programs": {
            **dict.fromkeys(PLAN_MODELS, _ALL),
            "initiativeprogress": _ALL,
            "initiativeprogresstransition": _VIEW,
            "historicalinitiativeprogress": _VIEW,
            "annualreport": ("add", "view"),
        },
        "indicators": {
            "indicator": _ALL,
            "indicatorvalue": _ALL,
            "indicatorvaluetransition": _VIEW,
            "historicalindicatorvalue": _VIEW,
            "target": _ALL,
            "historicaltarget": _VIEW,
            "ratingrule": _ALL,
            "ratingband": _ALL,
            "reportinground": _ALL,
            "reminder": _VIEW,
        },
        "evaluations": {
            "evaluation": _ALL,
            "evaluationtransition": _VIEW,
            "historicalevaluation": _VIEW,
        },
        "community": {
            "municipality": _VIEW,  # from the plan's data files only
            "ward": _VIEW,
            "department": _ALL,
            "historicaldepartment": _VIEW,
            "schooldistrict": _ALL,
            "historicalschooldistrict": _VIEW,
            "organisationtype": _ALL,
            **dict.fromkeys(COMMUNITY_RECORDS, _ALL),
            **dict.fromkeys(COMMUNITY_HISTORIES, _VIEW),
            "lifestage": _VIEW,
            "volunteerprogram": _ALL,
        },
        "jobs": {"job": _VIEW, "workerheartbeat": _VIEW},
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
        # Models a later migration adds are left to that migration's own call.
        wanted = {
            (app_label, codename)
            for app_label, codename in permission_codenames(role)
            if _model_exists(apps, app_label, codename.split("_", 1)[1])
        }
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
        if missing:
            raise LookupError(f"Unknown permissions for role {role}: {sorted(missing)}")
        group.permissions.set(permissions)


def _model_exists(apps: Apps, app_label: str, model_name: str) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role, the highest if several groups are held; None for the public."""
    if not user.is_authenticated or not user.is_active:
        return None
    names = {group.name for group in user.groups.all()}
    for role in (Role.ADMIN, Role.PLANNER, Role.WARD_OFFICER, Role.DEPARTMENT_OFFICER):
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


# --- Row-level rules for progress records (indicator values, initiative progress) ----------
#
# The admin, the API and imports ask these questions, and nothing else decides.
#
# - Everyone, the public included, sees approved records.
# - A ward officer also sees every record of their own ward, and edits, deletes and submits
#   their own ward's drafts; they never approve, and cannot touch city-wide records.
# - Planners and admins see everything, edit drafts and submitted records of any ward or
#   city-wide, approve or return submitted ones, and reopen approved ones with a reason.
# - Approved records are locked for everyone until reopened; values that come from the plan
#   document are managed by load_plan alone.
#
# Records without a workflow status (directory entries, school districts, health
# town-planning stages, volunteer headcounts) follow the same ward rules without approval:
# - Everyone, the public included, sees them.
# - Planners and admins create, change and delete them anywhere, city-wide included; a ward
#   officer only in their own ward (a city-wide entry, ward empty, is for planners).
# - Entries that come from the plan document are managed by load_plan alone.
#
# Records kept per department (所管課), not per ward (evaluations): a model names how a row
# reaches its department in ``DEPARTMENT_LOOKUPS`` (e.g. ``("section__department",
# "initiative__department")``), has a ``department_id`` property (None: no department, as a
# pillar-level evaluation), and names in ``DEPARTMENT_WRITES`` the field values of the rows a
# department writes (``{"stage": "primary"}``: the 一次評価). Same workflow, and:
# - Everyone, the public included, sees approved records.
# - A department officer also sees every record of their department, and creates, edits,
#   deletes and submits their department's drafts of the kind ``DEPARTMENT_WRITES`` names;
#   never another department's, never one without a department, never approves.
# - Planners and admins see and do everything, as with ward records; a ward officer only
#   reads approved records.

VIEW = "view"
CREATE = "create"
CHANGE = "change"
DELETE = "delete"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
REOPEN = "reopen"


def has_workflow(model_or_record) -> bool:
    """Whether the record goes through draft → submitted → approved."""
    from infrastructure.workflow import WorkflowRecord

    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return issubclass(model, WorkflowRecord)


def _ward_lookup(model) -> str:
    return getattr(model, "WARD_LOOKUP", "ward")


def is_department_record(model_or_record) -> bool:
    """Whether the record belongs to a department (所管課) rather than to a ward."""
    return bool(getattr(model_or_record, "DEPARTMENT_LOOKUPS", ()))


def _department_q(model, department_id: int) -> Q:
    condition = Q(pk__in=[])
    for lookup in model.DEPARTMENT_LOOKUPS:
        condition |= Q(**{lookup: department_id})
    return condition


def _department_writes(record) -> bool:
    """Whether the record is of the kind a department writes (its 一次評価)."""
    return all(getattr(record, name) == value for name, value in record.DEPARTMENT_WRITES.items())


def _not_from_plan(model) -> Q:
    fields = {field.name for field in model._meta.get_fields()}
    return ~Q(origin="plan") if "origin" in fields else Q()


@dataclass(frozen=True)
class Scope:
    """The slice of ward-scoped data someone sees, whoever they are: everyone sees approved
    records; a ward officer also every record of their ward; planners and admins everything.
    Built by ``scope_of``; every read of ward-scoped data filters through it
    (``visible_filter``, ``.visible_to``), and ``key`` names it for caches."""

    role: Role | None = None
    ward_id: int | None = None
    department_id: int | None = None

    @property
    def city_wide(self) -> bool:
        return self.role in CITY_WIDE_ROLES

    @property
    def key(self) -> str:
        if self.city_wide:
            return "city-wide"
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
    ward = ward_of(user_or_scope) if role is Role.WARD_OFFICER else None
    department = department_of(user_or_scope) if role is Role.DEPARTMENT_OFFICER else None
    return Scope(
        role=role,
        ward_id=getattr(ward, "pk", None),
        department_id=getattr(department, "pk", None),
    )


def wards_in_full(user, wards: QuerySet) -> QuerySet:
    """The wards of ``wards`` whose unapproved records ``user`` (or a Scope) sees: all of
    them for planners and admins, their own for a ward officer, none for the public."""
    scope = scope_of(user)
    if scope.city_wide:
        return wards
    return wards.filter(pk=scope.ward_id) if scope.ward_id is not None else wards.none()


def visible_filter(user, model=None) -> Q:
    """The records of ``model`` that ``user`` (or a Scope) sees."""
    from infrastructure.workflow import Status

    if model is not None and not has_workflow(model):
        return Q()  # records without approval are public
    scope = scope_of(user)
    if scope.city_wide:
        return Q()
    approved = Q(status=Status.APPROVED)
    if model is not None and is_department_record(model):
        if scope.role is Role.DEPARTMENT_OFFICER and scope.department_id is not None:
            return approved | _department_q(model, scope.department_id)
        return approved
    if scope.role is Role.WARD_OFFICER and scope.ward_id is not None:
        return approved | Q(ward=scope.ward_id)
    return approved


def editable_filter(user, model=None) -> Q:
    from infrastructure.workflow import Status

    role = role_of(user)
    if model is not None and not has_workflow(model):
        if role in CITY_WIDE_ROLES:
            return _not_from_plan(model)
        if role is Role.WARD_OFFICER and (ward := ward_of(user)) is not None:
            return Q(**{_ward_lookup(model): ward}) & _not_from_plan(model)
        return Q(pk__in=[])
    if role in CITY_WIDE_ROLES:
        return Q(status__in=[Status.DRAFT, Status.SUBMITTED])
    if model is not None and is_department_record(model):
        if role is Role.DEPARTMENT_OFFICER and (department := department_of(user)) is not None:
            return Q(status=Status.DRAFT, **model.DEPARTMENT_WRITES) & _department_q(
                model, department.pk
            )
        return Q(pk__in=[])
    if role is Role.WARD_OFFICER and (ward := ward_of(user)) is not None:
        return Q(status=Status.DRAFT, ward=ward)
    return Q(pk__in=[])


CITY_WIDE_ROLES = (Role.PLANNER, Role.ADMIN)


def works_city_wide(user) -> bool:
    """Planners and admins work for every ward and city-wide; anyone else is limited to the
    ward of their staff profile (if any). Forms ask this to narrow their ward choices."""
    return role_of(user) in CITY_WIDE_ROLES


def may_ever(user, action: str) -> bool:
    """Whether the user may do ``action`` to any record at all: the question the admin asks
    before offering an action (bulk approve, say). Each record is still checked."""
    role = role_of(user)
    if role is None:
        return action == VIEW
    if action in (APPROVE, RETURN, REOPEN):
        return role in CITY_WIDE_ROLES
    return True


def _denial(user, action: str, record) -> str | None:
    """Why ``user`` may not do ``action`` to ``record``, or None if they may."""
    from infrastructure.workflow import Status

    if not has_workflow(record):
        return _denial_without_workflow(user, action, record)
    role = role_of(user)
    if action == VIEW and record.status == Status.APPROVED:
        return None  # approved figures are public
    if role is None:
        return gettext("職員としてログインしてください。")
    from_plan = getattr(record, "origin", "") == "plan"
    city_wide = role in CITY_WIDE_ROLES
    if is_department_record(record):
        refusal = _department_refusal(user, role, action, record)
        if refusal is not None:
            return refusal
        return _status_denial(user, action, record, city_wide)
    own_ward = record.ward_id is not None and record.ward_id == getattr(ward_of(user), "pk", None)

    if action == VIEW:
        if city_wide or own_ward or record.status == Status.APPROVED:
            return None
        return gettext("他の区の未承認のデータは見られません。")
    if not city_wide and not own_ward:
        if record.ward_id is None:
            return gettext("市全体の値は計画担当だけが登録・変更できます。")
        return gettext("他の区のデータは登録・変更できません。")
    if from_plan and action != VIEW:
        return gettext("計画書の値は変更できません（load_plan で管理しています）。")
    return _status_denial(user, action, record, city_wide)


def _status_denial(user, action: str, record, city_wide: bool) -> str | None:
    """``_denial``'s rules of the workflow, once the record is in the user's scope."""
    from infrastructure.workflow import Status

    if action in (VIEW, CREATE):
        return None
    if action in (CHANGE, DELETE):
        if record.status == Status.APPROVED:
            return gettext(
                "承認済みの記録は変更できません。計画担当に承認の取り消しを依頼してください。"
            )
        if record.status == Status.SUBMITTED and not city_wide:
            return gettext("提出済みの記録は変更できません。差し戻しを待ってください。")
        return None
    if action == SUBMIT:
        return None
    if action in (APPROVE, RETURN, REOPEN):
        return None if may_ever(user, action) else gettext("承認・差し戻しは計画担当が行います。")
    raise ValueError(f"unknown action {action!r}")


def _department_refusal(user, role: Role, action: str, record) -> str | None:
    """Why a record kept per department is out of the user's reach, or None if it is in it
    (the workflow's rules still apply)."""
    if role in CITY_WIDE_ROLES:
        return None
    department_id = record.department_id
    own = (
        role is Role.DEPARTMENT_OFFICER
        and department_id is not None
        and department_id == getattr(department_of(user), "pk", None)
    )
    if action == VIEW:
        return None if own else gettext("他の所管課の未承認の評価は見られません。")
    if role is not Role.DEPARTMENT_OFFICER:
        return gettext("評価は所管課の職員と計画担当が登録します。")
    if department_id is None:
        return gettext("所管課のない項目（施策全体など）の評価は計画担当が登録します。")
    if not own:
        return gettext("他の所管課の評価は登録・変更できません。")
    if not _department_writes(record):
        return gettext(
            "所管課が登録できるのは一次評価だけです。二次評価と審議会意見は計画担当が登録します。"
        )
    return None


def _denial_without_workflow(user, action: str, record) -> str | None:
    """``_denial`` for a record a ward keeps without approval."""
    if action == VIEW:
        return None  # public
    role = role_of(user)
    if role is None:
        return gettext("職員としてログインしてください。")
    if action not in (CREATE, CHANGE, DELETE):
        return gettext("この記録には承認の手続きはありません。")
    ward_id = record.ward_id
    if role not in CITY_WIDE_ROLES and (
        ward_id is None or ward_id != getattr(ward_of(user), "pk", None)
    ):
        if ward_id is None:
            return gettext("市全体の記録は計画担当だけが登録・変更できます。")
        return gettext("他の区のデータは登録・変更できません。")
    if getattr(record, "origin", "") == "plan":
        return gettext("計画書に載っている記録は変更できません（load_plan で管理しています）。")
    return None


def allowed(user, action: str, record) -> bool:
    return _denial(user, action, record) is None


def check(user, action: str, record) -> None:
    """Raise PermissionDenied, with the reason in the user's language, unless allowed."""
    reason = _denial(user, action, record)
    if reason is not None:
        _log_refusal(user, action, record)
        raise PermissionDenied(reason)


# --- A record's past and its review ---------------------------------------------------------
#
# Staff in a record's scope (``in_scope``: planners and admins; the officers of its ward, or of
# its department for a record kept per department) see its whole past: every version, drafts
# included, every transition with who took it and the comment. Everyone else (the public,
# another ward's or department's officers) sees a record only as approved, and so its past
# only from its approvals: of its versions the approved ones, of its transitions the outcomes
# (approvals and their withdrawal), and of those neither who nor why. Every door to the past
# (the admin's history, a past version's page, the transition log, the API's ``transitions``)
# asks these functions.

OUTCOME_TRANSITIONS = ("approve", "reopen")


def in_scope(user, record) -> bool:
    """Whether ``record`` is in the user's (or Scope's) scope: every record for planners and
    admins, their ward's for a ward officer, their department's for a department officer
    (a record kept per department), none for the public. A record without a ward (city-wide)
    or department is the planners' alone."""
    scope = scope_of(user)
    if scope.city_wide:
        return True
    if is_department_record(record):
        return (
            scope.role is Role.DEPARTMENT_OFFICER
            and scope.department_id is not None
            and record.department_id == scope.department_id
        )
    return scope.sees_unapproved(getattr(record, "ward_id", None))


def past_versions(user, record, versions: QuerySet) -> QuerySet:
    """Of ``versions`` (``record``'s historical rows), those the user may see: all of them in
    the record's scope or for a record without a workflow, else the approved ones only."""
    from infrastructure.workflow import Status

    if not has_workflow(record) or in_scope(user, record):
        return versions
    return versions.filter(status=Status.APPROVED)


def transitions_shown(user, record, transitions) -> tuple[list, bool]:
    """Of ``transitions`` (the record's log, in order), those the user may see, and whether
    with who took them and why (``True`` in the record's scope). Outside it: the outcomes
    (approvals and their withdrawal) only, never who or the comment."""
    if in_scope(user, record):
        return list(transitions), True
    return [t for t in transitions if t.transition in OUTCOME_TRANSITIONS], False


def _log_refusal(user, action: str, record) -> None:
    """A refused action in the audit log: who, what, on which record, and why (in the
    installation's language, whatever the user's)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _denial(user, action, record)
    username = user.get_username() if getattr(user, "is_authenticated", False) else ""
    target = f"{record._meta.label}:{record.pk if record.pk is not None else 'new'}"
    audit.warning(
        "action refused: %s %s by %s: %s",
        action,
        target,
        username or "anonymous",
        reason,
        extra={
            "event": "action_refused",
            "username": username,
            "action": action,
            "target": target,
            "ward_id": getattr(record, "ward_id", None),
            "reason": reason,
        },
    )


# --- Targets (目標値) -----------------------------------------------------------------------
#
# Everyone reads targets. Only planners and admins set them (a revision or an original the
# plan lacks), for the city or a ward; a ward officer never does. The plan's own targets are
# managed by load_plan alone.


def check_sets_targets(user) -> None:
    """Raise PermissionDenied unless the user may set targets."""
    _check_planner(user, "set_target", _("目標値は計画担当だけが設定できます。"))


# --- Rating rules (評価基準) ------------------------------------------------------------------
#
# Everyone reads the rules. Only planners and admins choose the one in use or edit bands.


def check_sets_rating_rule(user) -> None:
    """Raise PermissionDenied unless the user may choose the rating rule in use."""
    _check_planner(user, "activate_rating_rule", _("評価基準は計画担当だけが選べます。"))


def _check_planner(user, action: str, refusal) -> None:
    role = role_of(user)
    if role in CITY_WIDE_ROLES:
        return
    username = user.get_username() if getattr(user, "is_authenticated", False) else ""
    audit.warning(
        "action refused: %s by %s",
        action,
        username or "anonymous",
        extra={"event": "action_refused", "username": username, "action": action},
    )
    if role is None:
        raise PermissionDenied(gettext("職員としてログインしてください。"))
    raise PermissionDenied(str(refusal))
