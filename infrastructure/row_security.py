"""Defence in depth on PostgreSQL: row-level security by tenant.

The application keeps to the tenant at its one choke point (``infrastructure.policy`` and
the default managers, ``infrastructure.tenancy``). Below it, each table of a model that
declares a ``tenant_path`` gets a row-level security policy, so that a query that forgot
the filter (raw SQL, a manager nobody thought of) still sees nothing of another
municipality:

- the work's tenant is the setting ``app.tenant`` of the database session, set when a
  tenant is made active (``tenancy.activated``, ``tenancy.database_tenant``) and reset
  after; unset, every row is seen (one municipality installed, migrations, an
  installation administrator's command);
- a table with the tenant's key (``municipality_id``, kept on the big tables too:
  ``tenancy.sources_of``; a job's ``tenant_id``) compares it; a table that reaches its
  tenant through a parent (``pillar__municipality``) asks that the parent row be visible,
  and the parent's own policy answers (PostgreSQL applies a table's policy in the
  subqueries of another's), so each policy names one hop only.

PostgreSQL does not apply these policies to a superuser, nor to a role with BYPASSRLS; it
applies them to the tables' owner because each table is set to FORCE ROW LEVEL SECURITY.
An installation connects as a role of its own (docs/operations.md); the test suite, which
connects as a superuser, proves the policies with ``SET ROLE`` to ``ROLE_FOR_TESTS``.

Policies are made again after every ``migrate`` (``row_security_sync``, connected like the
role groups), from the models as they are, so they never lag behind a model's path.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models

from . import tenancy

SETTING = tenancy.DATABASE_SETTING
POLICY = "tenant_rows"
#: A role without the superuser's bypass, for the suite's proof (never used to serve).
ROLE_FOR_TESTS = "welfare_row_security"


def _tenant_condition(model: type[models.Model], path: str, quote) -> str:
    """SQL that holds for a row of ``model`` whose ``path`` reaches the session's tenant."""
    table = quote(model._meta.db_table)
    tenant = f"nullif(current_setting('{SETTING}', true), '')::bigint"
    if path == "pk":
        return f"{table}.{quote(model._meta.pk.column)} = {tenant}"
    first = path.split("__")[0]
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:  # the tenant's id kept as a number: a job's ``tenant_id``
        field = model._meta.get_field(f"{first}_id")
    if not field.is_relation or "__" not in path:  # the tenant's key itself, on the row
        return f"{table}.{quote(field.column)} = {tenant}"
    parent = field.related_model
    parent_table = quote(parent._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {parent_table} WHERE {parent_table}."
        f"{quote(parent._meta.pk.column)} = {table}.{quote(field.column)})"
    )


def _usable_paths(model: type[models.Model], columns: set[str] | None) -> tuple[str, ...]:
    """``model``'s paths whose first column the table has (``columns``; None: all of them). A
    table migrated back to before it kept its tenant's key reaches it through the parent the
    key is copied from (``tenancy.sources_of``), as it did then."""
    paths = tenancy.paths_of(model)
    if columns is None:
        return paths

    def present(path: str) -> bool:
        if path == "pk":
            return True
        first = path.split("__")[0]
        try:
            column = model._meta.get_field(first).column
        except FieldDoesNotExist:
            column = f"{first}_id"
        return column in columns

    usable = tuple(path for path in paths if present(path))
    if usable:
        return usable
    through_parents = tuple(f"{source}__municipality" for source in tenancy.sources_of(model))
    return tuple(path for path in through_parents if present(path))


def policy_sql(model: type[models.Model], quote, columns: set[str] | None = None) -> list[str]:
    """The statements that (re)make ``model``'s policy, for a table with ``columns`` (None:
    every column the model has). A table with no way to its tenant gets none, and no row
    security (a table of versions migrated back to before they kept the key)."""
    table = quote(model._meta.db_table)
    paths = _usable_paths(model, columns)
    if not paths:
        return [
            f"DROP POLICY IF EXISTS {POLICY} ON {table}",
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ]
    rows = " OR ".join(f"({_tenant_condition(model, path, quote)})" for path in paths)
    condition = f"coalesce(current_setting('{SETTING}', true), '') = '' OR {rows}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {table}",
        f"CREATE POLICY {POLICY} ON {table} USING ({condition}) WITH CHECK ({condition})",
    ]


def tenant_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if tenancy.paths_of(model) and not model._meta.proxy and model._meta.managed
    ]


def row_security_sync(*, using: str = "default", **_kwargs) -> int:
    """Make the policies of every tenant table (PostgreSQL only; a receiver of
    ``post_migrate``). Returns how many tables have one."""
    target = connections[using]
    if target.vendor != "postgresql":
        return 0
    quote = target.ops.quote_name
    found = tenant_models()
    with target.cursor() as cursor:
        # The tables as they are now: a migrate back or to a named migration leaves some
        # behind the models.
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
        columns: dict[str, set[str]] = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, set()).add(column)
        for model in found:
            if model._meta.db_table not in columns:
                continue  # not made yet
            for statement in policy_sql(model, quote, columns[model._meta.db_table]):
                cursor.execute(statement)
        # The suite's role, subject to the policies (created once per cluster).
        cursor.execute(
            "DO $$ BEGIN CREATE ROLE " + ROLE_FOR_TESTS + " NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE_FOR_TESTS}")
    return len(found)
