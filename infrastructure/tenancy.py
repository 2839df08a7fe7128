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

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


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


@contextmanager
def activated(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Work for ``tenant`` inside the block (None: the whole installation), then restore the
    tenant that was active before."""
    token = _current.set(tenant)
    try:
        yield tenant
    finally:
        _current.reset(token)


def across() -> AbstractContextManager[None]:
    """Work across every municipality inside the block (the prefecture's view): no tenant."""
    return activated(None)
