"""The one access policy: may this user do this action to this row?

Every door asks here, and nothing else decides: the admin (``admin_mixins.RestrictedAdmin``),
the API (``api.viewsets.RestrictedViewSetMixin``), pages, imports, exports, search, open data
and reports (``restrict``), and the services (``check``), the way NetBox's
``RestrictedQuerySet.restrict(user, action)`` does.

This module knows no domain. What it holds is filled in at start-up:

- **Roles and who holds one** come from the organisation (``community.access`` calls
  ``register_roles``): a resolver turns a user into an *actor* (its role, the slice it works
  in, a key naming that slice for caches).
- **What each role may do with a model** comes from the app that owns the model, in its
  ``policy.py`` (``grant``): the actions each role (and the public) may take at all, and a
  ``Rule`` that says which rows and why not. A model no app granted is invisible and
  read-only to every role, at every door.

The Django groups of the roles are kept in step with the grants by one ``post_migrate`` step
(``sync_role_groups``), so the admin's own permission checks agree with the policy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from . import tenancy

audit = logging.getLogger("kumamoto_welfare.audit")

# The actions. The first four are also Django's model permissions (CREATE is Django's "add").
VIEW = "view"
CREATE = "create"
CHANGE = "change"
DELETE = "delete"
SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
REOPEN = "reopen"
READ = frozenset({VIEW})
WRITE = frozenset({VIEW, CREATE, CHANGE, DELETE})
REVIEW = frozenset({SUBMIT, APPROVE, RETURN, REOPEN})
EVERYTHING = WRITE | REVIEW
DJANGO_PERMISSION = {VIEW: "view", CREATE: "add", CHANGE: "change", DELETE: "delete"}
PUBLIC = "public"  # the key of ``grant`` for readers with no role (signed in or not)


class Actor(Protocol):
    """Who is asking, as the organisation resolves a user (``register_roles``)."""

    @property
    def role(self) -> str | None: ...  # None: the public

    @property
    def key(self) -> str: ...  # names the slice of data the actor sees, for caches

    @property
    def unrestricted(self) -> bool: ...  # works on every row its role may touch

    @property
    def user_id(self) -> int | None: ...

    @property
    def second_factor(self) -> bool: ...  # may not work without a verified second factor

    @property
    def tenant_id(self) -> int | None: ...  # the tenant the actor works for (None: any)


class Rule:
    """Which rows of a model an actor may take an action on, and why not. The default: every
    row, no reason to refuse (beyond the role's actions, which ``grant`` names)."""

    def rows(self, actor: Actor, action: str) -> Q:
        return Q()

    def denial(self, actor: Actor, action: str, record: models.Model) -> str | None:
        """Why ``actor`` may not take ``action`` on ``record``, or None if it may."""
        return None

    def in_scope(self, actor: Actor, record: models.Model) -> bool:
        """Whether ``record`` is in the actor's own slice (its whole past and review shown)."""
        return actor.unrestricted

    def choices(self, actor: Actor, field_name: str, queryset: models.QuerySet):
        """The choices of ``field_name`` the actor may give a new or changed row, or None if
        the field is not limited for it. ``queryset``: the related rows, or for a field with
        fixed choices (an evaluation's stage) its values."""
        return None

    def bind(self, model: type[models.Model]) -> Rule:
        """The rule for ``model`` (``grant`` calls it): a rule that reads the model's fields
        returns a copy that knows them."""
        return self


EVERY_ROW = Rule()


class OwnRows(Rule):
    """Rows of the actor's own (``owner`` names the user field); every row for an
    unrestricted actor."""

    def __init__(self, owner: str = "user"):
        self.owner = owner

    def rows(self, actor: Actor, action: str) -> Q:
        if actor.unrestricted:
            return Q()
        return Q(**{f"{self.owner}_id": actor.user_id}) if actor.user_id else Q(pk__in=[])

    def denial(self, actor: Actor, action: str, record: models.Model) -> str | None:
        if actor.unrestricted or getattr(record, f"{self.owner}_id") == actor.user_id:
            return None
        return gettext("他の人の記録は見られません。")


@dataclass(frozen=True)
class Grant:
    """What each role may do with one model: ``actions`` by role (``PUBLIC`` for readers with
    none), the rows by ``rule``."""

    rule: Rule
    actions: dict[str, frozenset[str]] = field(default_factory=dict)
    tenant: tuple[str, ...] = ()  # the paths from a row to its tenant (infrastructure.tenancy)

    def allows(self, role: str | None, action: str) -> bool:
        return action in self.actions.get(role or PUBLIC, frozenset())


@dataclass
class _Roles:
    names: tuple[str, ...] = ()
    superior: str | None = None  # holds every action on every granted model
    resolve: Callable[[Any], Actor] | None = None
    public: Actor | None = None
    readers: tuple[str, ...] = ()  # roles that read what the public reads, and do nothing else


_roles = _Roles()
_grants: dict[type[models.Model], Grant] = {}


def register_roles(
    names: Iterable[str],
    *,
    superior: str,
    resolve: Callable[[Any], Actor],
    public: Actor,
    readers: Iterable[str] = (),
) -> None:
    """The organisation's roles, the one that may do everything granted, how a user becomes
    an actor, the actor of the public, and the roles that only read what the public reads
    (whatever a grant names for them)."""
    _roles.names = tuple(names)
    _roles.superior = superior
    _roles.resolve = resolve
    _roles.public = public
    _roles.readers = tuple(readers)


def grant(
    model: type[models.Model],
    rule: Rule = EVERY_ROW,
    *,
    tenant: str | tuple[str, ...] | None = None,
    **actions: Iterable[str],
) -> None:
    """What each role (keyword: the role's name, or ``public``) may do with ``model``, the
    rows by ``rule``. Called once per model, by the app that owns the model; the superior
    role may do everything. The model's history (simple-history) may be read by whoever may
    read the model. The rows of one tenant: the model's ``tenant_path``, or ``tenant`` for a
    model the app does not own (an account reaches its municipality through its profile)."""
    if model in _grants:
        raise ValueError(f"{model._meta.label} is granted twice")
    unknown = set(actions) - {*_roles.names, PUBLIC}
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)} for {model._meta.label}")
    by_role = {role: frozenset(granted) for role, granted in actions.items()}
    for reader in _roles.readers:
        by_role[reader] = by_role.get(PUBLIC, frozenset()) & READ
    if _roles.superior is not None:
        by_role[_roles.superior] = EVERYTHING
    paths = (tenant,) if isinstance(tenant, str) else tuple(tenant or tenancy.paths_of(model))
    _grants[model] = Grant(rule=rule.bind(model), actions=by_role, tenant=paths)
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None and history not in _grants:
        readers = {role: READ for role, granted in by_role.items() if VIEW in granted}
        _grants[history] = Grant(rule=EVERY_ROW, actions=readers)


def grant_of(model: type[models.Model]) -> Grant | None:
    return _grants.get(model._meta.concrete_model)


def granted_models() -> list[type[models.Model]]:
    return list(_grants)


def actor_of(user_or_actor) -> Actor:
    """The actor a user is (an actor is returned as it is)."""
    if _roles.resolve is None:
        raise RuntimeError("no roles registered (community.access registers them)")
    if hasattr(user_or_actor, "unrestricted"):
        return user_or_actor
    if user_or_actor is None:
        return _roles.public
    return _roles.resolve(user_or_actor)


def may(user, action: str, model: type[models.Model]) -> bool:
    """Whether the user's role may take ``action`` on any row of ``model`` at all: the question
    a door asks before offering an action (bulk approve, say). Each row is still checked."""
    found = grant_of(model)
    return found is not None and found.allows(actor_of(user).role, action)


def restrict(queryset: models.QuerySet, user, action: str = VIEW) -> models.QuerySet:
    """The rows of ``queryset`` on which the user may take ``action``: none of a model no app
    granted, or of an action the user's role may not take."""
    found = grant_of(queryset.model)
    actor = actor_of(user)
    if found is None or not found.allows(actor.role, action):
        return queryset.none()
    tenant_id = _tenant_of_work(actor)
    if tenant_id is not None and found.tenant and not _filtered_for(queryset, tenant_id):
        queryset = queryset.filter(tenancy.rows_of(queryset.model, tenant_id, found.tenant))
    return queryset.filter(found.rule.rows(actor, action))


def _filtered_for(queryset: models.QuerySet, tenant_id: int) -> bool:
    """Whether the model's manager already kept ``queryset`` to the tenant (by the same
    paths: ``tenancy.TenantFiltered``)."""
    return getattr(queryset.query, "tenant_filtered", None) == tenant_id


def in_tenant(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of ``queryset`` of the active tenant, by the grant's paths (all of them with
    no tenant active): for work that is no one's request, such as who a reminder goes to."""
    found = grant_of(queryset.model)
    tenant_id = tenancy.current_id()
    if tenant_id is None or found is None or not found.tenant:
        return queryset
    return queryset.filter(tenancy.rows_of(queryset.model, tenant_id, found.tenant))


def _tenant_of_work(actor: Actor) -> int | None:
    """The tenant whose rows the actor works on: the request's (``infrastructure.tenancy``),
    else the one the actor belongs to; None: every tenant's (one municipality installed, an
    installation administrator)."""
    current = tenancy.current_id()
    return current if current is not None else getattr(actor, "tenant_id", None)


def denial(user, action: str, record: models.Model) -> str | None:
    """Why the user may not take ``action`` on ``record``, or None if they may."""
    found = grant_of(type(record))
    actor = actor_of(user)
    if found is None:
        return gettext("この操作は許可されていません。")
    tenant_id = _tenant_of_work(actor)
    if tenant_id is not None and found.tenant:
        belongs_to = tenancy.tenant_id_of(record, found.tenant)
        if belongs_to is not None and belongs_to != tenant_id:
            return gettext("他の自治体の記録です。")
    reason = found.rule.denial(actor, action, record)
    if reason is None and not found.allows(actor.role, action):
        if actor.role is None:
            return gettext("職員としてログインしてください。")
        return gettext("この操作は許可されていません。")
    return reason


def allowed(user, action: str, record: models.Model) -> bool:
    return denial(user, action, record) is None


def check(user, action: str, record: models.Model) -> None:
    """Raise PermissionDenied, with the reason in the user's language, unless allowed; a
    refusal goes to the audit log."""
    reason = denial(user, action, record)
    if reason is not None:
        _log_refusal(user, action, record)
        raise PermissionDenied(reason)


def check_may(user, action: str, model: type[models.Model], refusal: str) -> None:
    """Raise PermissionDenied with ``refusal`` unless the user's role may take ``action`` on
    ``model`` at all (an action that is not about one row: choosing the rating rule, say)."""
    if may(user, action, model):
        return
    username = user.get_username() if getattr(user, "is_authenticated", False) else ""
    audit.warning(
        "action refused: %s by %s",
        action,
        username or "anonymous",
        extra={"event": "action_refused", "username": username, "action": action},
    )
    if actor_of(user).role is None:
        raise PermissionDenied(gettext("職員としてログインしてください。"))
    raise PermissionDenied(str(refusal))


def in_scope(user, record: models.Model) -> bool:
    """Whether ``record`` is in the user's own slice (see the rule of its model)."""
    found = grant_of(type(record))
    return found is not None and found.rule.in_scope(actor_of(user), record)


def choices(user, model: type[models.Model], field_name: str, queryset: models.QuerySet):
    """The values of ``field_name`` the user may give a row of ``model`` (a ward officer: their
    own ward), or None if the field is not limited for them."""
    found = grant_of(model)
    if found is None:
        return queryset.none()
    return found.rule.choices(actor_of(user), field_name, queryset)


def _log_refusal(user, action: str, record: models.Model) -> None:
    """A refused action in the audit log: who, what, on which record, and why (in the
    installation's language, whatever the user's)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = denial(user, action, record)
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


class RestrictedQuerySet(models.QuerySet):
    """``Model.objects.restrict(user, action)``; ``visible_to`` and ``editable_by`` name the
    two questions every list asks."""

    def restrict(self, user, action: str = VIEW) -> RestrictedQuerySet:
        return restrict(self, user, action)

    def visible_to(self, user) -> RestrictedQuerySet:
        return restrict(self, user, VIEW)

    def editable_by(self, user) -> RestrictedQuerySet:
        return restrict(self, user, CHANGE)


# --- The roles' Django groups ------------------------------------------------------------


def permission_codenames(role: str) -> set[tuple[str, str]]:
    """``{(app_label, codename)}`` of the Django permissions the grants give ``role``."""
    return {
        (model._meta.app_label, f"{DJANGO_PERMISSION[action]}_{model._meta.model_name}")
        for model, found in _grants.items()
        for action in found.actions.get(role, ())
        if action in DJANGO_PERMISSION
    }


def sync_role_groups(**_kwargs) -> None:
    """Create the role groups and set their permissions exactly, from the grants. Idempotent;
    run after every ``migrate`` (``post_migrate``, connected by ``infrastructure.accounts``)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)  # normally after each app's post_migrate
    group_model = global_apps.get_model("auth", "Group")
    permission_model = global_apps.get_model("auth", "Permission")
    every = list(permission_model.objects.select_related("content_type"))
    for role in _roles.names:
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = permission_codenames(role)
        group.permissions.set(
            [p for p in every if (p.content_type.app_label, p.codename) in wanted]
        )
