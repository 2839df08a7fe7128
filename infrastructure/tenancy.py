"""The tenant: the municipality a request, a job or a command works for.

One installation may serve several municipalities, row by row in one schema (docs/
architecture.md, "Many municipalities"). Which one a piece of work is for is decided once,
where the work starts (``TenantMiddleware`` for a request; a job or command names it), and
held here for the rest of it, the way Django holds the active language: a context variable,
so threads and asynchronous tasks each keep their own.

This module knows no domain: a tenant is the id and the code of a row the organisation calls
a municipality. ``community`` says which rows those are and how each model reaches its
municipality (``tenant_path``); the access policy (``infrastructure.policy``) and the
models' default managers filter by the active tenant.

No tenant active means the whole installation: an installation with one municipality, a
migration, an installation administrator's command, the prefecture's view across its
municipalities (``across``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError


@dataclass(frozen=True)
class Tenant:
    """A municipality, as the work sees it: its row's id and its code (全国地方公共団体コード)."""

    id: int
    code: str


_current: ContextVar[Tenant | None] = ContextVar("tenant", default=None)


def current() -> Tenant | None:
    """The tenant of the work in progress, or None for the whole installation."""
    return _current.get()


def current_id() -> int | None:
    tenant = _current.get()
    return tenant.id if tenant is not None else None


def key() -> str:
    """The active tenant in a cache key: its code, or ``all``."""
    tenant = _current.get()
    return tenant.code if tenant is not None else "all"


#: The database session's setting that holds the work's tenant (PostgreSQL's row-level
#: security reads it: ``infrastructure.row_security``).
DATABASE_SETTING = "app.tenant"


def database_tenant(tenant_id: int | None) -> None:
    """Tell the database session which tenant the work is for, now (PostgreSQL; None:
    none)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false)",
            [DATABASE_SETTING, "" if tenant_id is None else str(tenant_id)],
        )


class _DatabaseTenant:
    """Tells the database session the tenant before the block's first query; the block
    restores the one before if it was told. Work answered without a query (a cached page)
    costs no round trip. An ``execute_wrapper`` of the connection (PostgreSQL)."""

    def __init__(self, tenant_id: int | None, before: int | None):
        self.tenant_id, self.before, self.told = tenant_id, before, False

    def __call__(self, execute, sql, params, many, context):
        if not self.told:
            self.told = True
            context["cursor"].cursor.execute(
                "SELECT set_config(%s, %s, false)",
                [DATABASE_SETTING, "" if self.tenant_id is None else str(self.tenant_id)],
            )
        return execute(sql, params, many, context)


#: What else the organisation enters for a tenant's work (``community.tenants`` mounts the
#: municipality's site under its code, so that a link made in a job or a daily task is the
#: one its request would make); set once, by ``enter_also``.
_entering: Callable[[Tenant | None], AbstractContextManager] | None = None


def enter_also(hook: Callable[[Tenant | None], AbstractContextManager]) -> None:
    """Have ``activated`` enter ``hook(tenant)`` as well, inside the tenant's block."""
    global _entering
    _entering = hook


@contextmanager
def activated(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Work for ``tenant`` inside the block (None: the whole installation), then restore the
    tenant that was active before; the database session is told too, before the block's
    first query (PostgreSQL's row security, ``infrastructure.row_security``)."""
    from django.db import connection

    before = _current.get()
    token = _current.set(tenant)
    try:
        also = _entering(tenant) if _entering is not None else nullcontext()
        if connection.vendor != "postgresql":
            with also:
                yield tenant
            return
        told = _DatabaseTenant(tenant.id if tenant else None, before.id if before else None)
        try:
            with also, connection.execute_wrapper(told):
                yield tenant
        finally:
            if told.told:
                # A session the block broke restores nothing; it is not reused as it is.
                with suppress(DatabaseError):
                    database_tenant(told.before)
    finally:
        _current.reset(token)


def across() -> AbstractContextManager[None]:
    """Work across every municipality inside the block (the prefecture's view): no tenant."""
    return activated(None)


# --- How a model reaches its tenant -----------------------------------------------------
#
# A model whose rows belong to one municipality says how a row reaches it: ``tenant_path``,
# the ORM path to the municipality (``"plan__municipality"``; ``"pk"`` for the municipality
# itself), or several where a row
# reaches it one way or another (an evaluation of a pillar, a section or an initiative). A
# model without one is shared by every municipality (life stages, units) or not the
# organisation's (the accounts' sign-in records). The access policy filters by it
# (``policy.restrict``, ``policy.denial``) and so does every such model's default manager
# (``TenantFiltered``), so a plain ``Model.objects…`` in a page reads the tenant's rows only.


def paths_of(model) -> tuple[str, ...]:
    """The ORM paths from ``model`` to its tenant; () for a model shared by every tenant."""
    path = getattr(model, "tenant_path", None)
    if not path:
        return ()
    return (path,) if isinstance(path, str) else tuple(path)


def rows_of(model, tenant_id: int, paths: tuple[str, ...] | None = None):
    """A ``Q`` of the rows of ``model`` that belong to tenant ``tenant_id`` (every row of a
    shared model)."""
    from django.db.models import Q

    found = Q()
    for path in paths_of(model) if paths is None else paths:
        found |= Q(pk=tenant_id) if path == "pk" else Q(**{f"{path}_id": tenant_id})
    return found


def tenant_id_of(record, paths: tuple[str, ...] | None = None) -> int | None:
    """The id of the tenant ``record`` belongs to, following its path (None: a shared row,
    or one not yet tied to a tenant). A row that keeps its tenant's key (``tenant_source``)
    answers from the parent in hand, where it has one, before its key: the parent is what
    its next save writes there."""
    model = type(record)
    if sources_of(model) and (paths is None or tuple(paths) == paths_of(model)):
        found = _key_from_parents(record)
        if found is not None:
            return found
        if getattr(record, _key_attname(model)) is None:
            fill_tenant_keys(model, [record])
    return _along_paths(record, paths_of(model) if paths is None else paths, loaded_only=False)


def _along_paths(record, paths: tuple[str, ...], *, loaded_only: bool) -> int | None:
    """The tenant's id at the end of the first of ``paths`` that reaches one from ``record``:
    through the parents loaded with it only, or fetching those that are not."""
    for path in paths:
        if path == "pk":  # the tenant's own row
            return record.pk
        *parents, last = path.split("__")
        row = record
        for name in parents:
            if loaded_only:
                field = row._meta.get_field(name)
                row = field.get_cached_value(row, None) if field.is_cached(row) else None
            else:
                row = getattr(row, name, None)
            if row is None:
                break
        if row is not None:
            found = getattr(row, f"{last}_id", None)
            if found is not None:
                return found
    return None


# --- A tenant key kept on the row -----------------------------------------------------
#
# The big tables reach their tenant through parents (an indicator value: its indicator, its
# plan, the plan's municipality), so keeping to a tenant would join up that chain in every
# query and in every row-level security check. Such a model keeps the tenant's key on the
# row as well: ``tenant_path`` names it (``"municipality"``) and ``tenant_source`` the parent
# or parents it is copied from (``"indicator"``; several where a row has one parent or
# another). The copy is made here, on every ``save`` (a ``pre_save`` receiver) and in the
# managers' ``bulk_create``, never by a person and never left to a writer to remember. A
# row never moves to another municipality's parent; ``QuerySet.update`` of a parent key is
# not followed (docs/architecture.md, "Many municipalities").


def sources_of(model) -> tuple[str, ...]:
    """The parents ``model`` copies its tenant key from; () for a model that keeps none."""
    source = getattr(model, "tenant_source", None)
    if not source:
        return ()
    return (source,) if isinstance(source, str) else tuple(source)


def _key_attname(model) -> str:
    return f"{paths_of(model)[0]}_id"


def _direct_key(model) -> str | None:
    """The attribute that holds ``model``'s tenant on the row itself, if one does."""
    paths = paths_of(model)
    if len(paths) == 1 and "__" not in paths[0] and paths[0] != "pk":
        return f"{paths[0]}_id"
    return None


def _key_from_parents(row) -> int | None:
    """The tenant of ``row``'s parent in hand (loaded with it or given to it), without a
    query; None if no parent is in hand or one is but keeps no key of its own."""
    model = type(row)
    for source in sources_of(model):
        field = model._meta.get_field(source)
        if getattr(row, field.attname) is None or not field.is_cached(row):
            continue
        parent = getattr(row, source)
        attname = _direct_key(type(parent))
        if attname is not None and getattr(parent, attname) is not None:
            return getattr(parent, attname)
    return None


def fill_tenant_keys(model, rows) -> None:
    """Copy each row's tenant key from its parent (``tenant_source``): from the parent in
    hand with no query, else from the database, one query per kind of parent for all the
    rows."""
    attname = _key_attname(model)
    wanted: dict[str, dict[int, list]] = {}
    for row in rows:
        found = _key_from_parents(row)
        if found is not None:
            setattr(row, attname, found)
            continue
        for source in sources_of(model):
            parent_id = getattr(row, model._meta.get_field(source).attname)
            if parent_id is not None:
                wanted.setdefault(source, {}).setdefault(parent_id, []).append(row)
                break
        else:
            setattr(row, attname, None)  # no parent yet: the row's own validation says so
    for source, by_parent in wanted.items():
        parent_model = model._meta.get_field(source).related_model
        columns = ["pk" if path == "pk" else f"{path}_id" for path in paths_of(parent_model)]
        found = {
            pk: next((tenant for tenant in tenants if tenant is not None), None)
            for pk, *tenants in parent_model._base_manager.filter(
                pk__in=list(by_parent)
            ).values_list("pk", *columns)
        }
        for parent_id, waiting in by_parent.items():
            for row in waiting:
                setattr(row, attname, found.get(parent_id))


def keys_follow(parent_model, parent_ids) -> None:
    """The rows that keep their tenant's key from rows of ``parent_model`` (``parent_ids``),
    and their versions, take it again from them, and theirs in turn: after those parents'
    tenant was set by ``QuerySet.update`` (a municipality claiming the rows made before any
    was loaded), which no ``save`` follows."""
    from django.apps import apps
    from django.db.models import OuterRef, Subquery

    parent_ids = list(parent_ids)
    parent_key = _direct_key(parent_model)
    if not parent_ids or parent_key is None:
        return
    for model in apps.get_models():
        for source in sources_of(model):
            field = model._meta.get_field(source)
            if field.related_model is not parent_model:
                continue
            copied = Subquery(
                parent_model._base_manager.filter(pk=OuterRef(field.attname)).values(parent_key)[:1]
            )
            rows = model._base_manager.filter(**{f"{field.attname}__in": parent_ids})
            child_ids = list(rows.values_list("pk", flat=True))
            rows.update(**{_key_attname(model): copied})
            versions = getattr(getattr(model, "history", None), "model", None)
            if versions is not None and paths_of(versions):
                versions._base_manager.filter(**{f"{field.attname}__in": parent_ids}).update(
                    **{_key_attname(versions): copied}
                )
            keys_follow(model, child_ids)


def _fill_on_save(sender, instance, raw=False, **_kwargs) -> None:
    """``pre_save`` of a model that keeps its tenant's key: copy it from the parent."""
    if not raw:
        fill_tenant_keys(sender, [instance])


class TenantFiltered:
    """A manager mixin: while a tenant is active, the manager's rows are the tenant's only.
    Given to the default managers of the models that declare ``tenant_path``
    (``filter_managers``); no tenant active, the rows are every tenant's."""

    def get_queryset(self):
        queryset = super().get_queryset()
        tenant = _current.get()
        if tenant is None:
            return queryset
        queryset = queryset.filter(rows_of(self.model, tenant.id))
        # Marked on the query (which every clone copies), so the policy's ``restrict`` does
        # not add the same condition a second time.
        queryset.query.tenant_filtered = tenant.id
        return queryset

    def bulk_create(self, objs, *args, **kwargs):
        if sources_of(self.model):  # the tenant's key, copied from the parents first
            objs = list(objs)
            fill_tenant_keys(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)


_filtered_classes: dict[type, type] = {}


def _versions_keep_the_key(model) -> None:
    """The versions of a row (simple-history's model of a model's history, which names the
    model as ``instance_type``) belong to the row's tenant: where the row keeps its tenant's
    key, each version holds a copy of it, and the versions' table is kept to the tenant by
    its key too (the managers' filter and row-level security). Versions of a row that
    reaches its tenant through a parent are not: a version can outlive its parent."""
    original = getattr(model, "instance_type", None)
    if original is None or "tenant_path" in vars(model) or _direct_key(original) is None:
        return
    path = paths_of(original)[0]
    try:
        model._meta.get_field(path)
    except FieldDoesNotExist:  # the history leaves the key out
        return
    model.tenant_path = path


def filter_managers(sender, **_kwargs) -> None:
    """``class_prepared``: give each manager of a model with a ``tenant_path`` the tenant
    filter (``TenantFiltered``), keeping its own queryset methods. Connected before any
    model is loaded (``InfrastructureConfig``'s module)."""
    _versions_keep_the_key(sender)
    if sender._meta.abstract or not paths_of(sender):
        return
    if sources_of(sender):
        from django.db.models.signals import pre_save

        pre_save.connect(
            _fill_on_save,
            sender=sender,
            weak=False,
            dispatch_uid=f"tenant-key-{sender._meta.label}",
        )
    # The model's own managers and the copies its descriptors hand out (Django copies a
    # manager per model, an abstract parent's too, before this signal).
    for manager in (*sender._meta.local_managers, *sender._meta.managers):
        base = type(manager)
        if issubclass(base, TenantFiltered):
            continue
        if base not in _filtered_classes:
            _filtered_classes[base] = type(
                f"Tenant{base.__name__}", (TenantFiltered, base), {"__module__": base.__module__}
            )
        manager.__class__ = _filtered_classes[base]


def tenant_id_loaded(record) -> int | None:
    """The id of the tenant ``record`` belongs to as far as the row and the parents loaded
    with it tell, without a query (a receiver of a delete, whose parents may be gone
    already); None where they do not, and for a shared row."""
    return _along_paths(record, paths_of(type(record)), loaded_only=True)
