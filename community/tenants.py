"""The municipalities this installation serves, as tenants (``infrastructure.tenancy``), and
the tenant of a request.

With one municipality loaded nothing is different from an installation that serves one:
no tenant is made active, URLs are as they always were. With several, each municipality's
site, API and open data live under its code, ``/<全国地方公共団体コード>/`` (``/<code>/``,
``/<code>/api/v1/…``), and ``/`` lists them. ``TenantMiddleware`` decides the tenant once,
before anything reads the database, and mounts the municipality's site under its code the
way a server mounts an application under a path (the script prefix), so every URL the site
makes (``reverse``, ``{% url %}``, DRF's links) carries the code with no view knowing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation

from infrastructure import tenancy
from infrastructure.tenancy import Tenant

#: What stays outside every municipality's site with several loaded: the files, the health
#: check, the language switch, the API schema and the prefecture's view across them.
SHARED_PATHS = ("/static/", "/media/", "/healthz", "/favicon.ico", "/i18n/", "/api/schema/")
SHARED_PREFIXES = ("/pref/", "/api/v1/pref/")
T = TypeVar("T")
CODE_PREFIX = re.compile(r"^/(?P<code>\d{6})(?P<rest>/.*)$")

#: The municipalities loaded, kept in the shared cache: every process reads it there (no
#: query per request); whoever adds or removes a municipality writes it anew.
CACHE_KEY = "tenants"


#: The municipalities as the request's middleware read them: the policy asks whether several
#: are served for every actor it resolves, and a request reads the shared cache once.
_read_for_request: ContextVar[dict[str, Tenant] | None] = ContextVar("tenants", default=None)


def tenants() -> dict[str, Tenant]:
    """The municipalities loaded, by code, in code order."""
    known = _read_for_request.get()
    if known is not None:
        return known
    found = cache.get(CACHE_KEY)
    if found is None:  # a cold cache (or Redis down: then read each time)
        found = tenants_refresh()
    return {code: Tenant(id=pk, code=code) for code, pk in found}


def tenants_refresh(**_kwargs) -> list[tuple[str, int]]:
    """Read the municipalities from the database into the shared cache (a receiver of the
    municipality's saves and deletes, in ``CommunityConfig.ready``)."""
    municipality = apps.get_model("community", "Municipality")
    try:
        # The base manager: every municipality, whichever tenant is active.
        found = list(municipality._base_manager.order_by("code").values_list("code", "pk"))
    except DatabaseError:  # no tables yet (a command before migrate)
        return []
    cache.set(CACHE_KEY, found, timeout=None)
    return found


def municipalities_changed(**_kwargs) -> None:
    """A municipality was added, changed or removed: now, and again once it is committed."""
    tenants_refresh()
    transaction.on_commit(tenants_refresh)


def serves_several() -> bool:
    """Whether more than one municipality is loaded (each then under its code)."""
    return len(tenants()) > 1


class TenantMiddleware:
    """The tenant of a request, decided once: with several municipalities loaded, the code
    that starts the path (its site is mounted under it), or the host a municipality is
    served at (``MUNICIPALITY_HOSTS``). In MIDDLEWARE before the response cache, so that a
    cached copy is keyed by the whole path and host and rendered for its tenant, under its
    tenant's data generation. The prefecture's view reads across municipalities: it has no
    tenant, at a municipality's own host too, so its copies follow every municipality's
    changes (the installation's generation)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        served = tenants()
        token = _read_for_request.set(served)
        try:
            return self._serve(request, served)
        finally:
            _read_for_request.reset(token)

    def _serve(self, request, served: dict[str, Tenant]):
        if len(served) <= 1:
            return self.get_response(request)
        # A host of its own (MUNICIPALITY_HOSTS): the municipality's site at its root. The
        # host as sent; whether it is allowed at all is Django's check, further down.
        host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
        hosted = served.get(settings.MUNICIPALITY_HOSTS.get(host, ""))
        path = request.path_info
        if hosted is not None and not path.startswith(SHARED_PREFIXES):
            request.tenant = hosted
            with tenancy.activated(hosted):
                return self.get_response(request)
        matched = CODE_PREFIX.match(path) or CODE_PREFIX.match(path + "/")
        tenant = served.get(matched["code"]) if matched else None
        if tenant is None:
            if path == "/":
                return municipality_list(request)
            if path.startswith(SHARED_PATHS) or path.startswith(SHARED_PREFIXES):
                return self.get_response(request)
            raise Http404("no municipality in the path")
        request.path_info = matched["rest"]
        request.tenant = tenant
        token = _by_path.set(True)  # under its code, even where it has a host of its own
        try:
            with tenancy.activated(tenant):  # mounted under its code: ``mounted``
                return self.get_response(request)
        finally:
            _by_path.reset(token)


#: The script prefix outside every municipality's site (the server's own mount), while one
#: is mounted: a municipality's work inside another's (a job run at once by a request)
#: mounts it from there, not under the first one's code.
_outside: ContextVar[str | None] = ContextVar("outside_prefix", default=None)
#: Whether the request came by ``/<code>/`` (rather than at a municipality's own host).
_by_path: ContextVar[bool] = ContextVar("by_path", default=False)


def own_host(code: str) -> bool:
    """Whether the municipality is served at the root of a host of its own
    (``MUNICIPALITY_HOSTS``)."""
    return code in settings.MUNICIPALITY_HOSTS.values()


@contextmanager
def mounted(tenant: Tenant | None) -> Iterator[None]:
    """The tenant's site mounted under its code for the block (the script prefix), wherever
    the work runs: a request, a job, a daily task; so ``reverse`` and ``{% url %}`` make the
    links its request would (a mail's links, a report's). Entered by every
    ``tenancy.activated`` (``CommunityConfig.ready``). Under no code: with one municipality
    loaded, for a municipality at a host of its own, and with no tenant."""
    outside = _outside.get()
    if outside is None:
        outside = get_script_prefix()
    before = get_script_prefix()
    token = _outside.set(outside)
    under_code = (
        tenant is not None and len(tenants()) > 1 and (_by_path.get() or not own_host(tenant.code))
    )
    set_script_prefix(f"{outside}{tenant.code}/" if under_code else outside)
    try:
        yield
    finally:
        set_script_prefix(before)
        _outside.reset(token)


def site_url(path: str) -> str:
    """``path`` (made by ``reverse`` for the active tenant: ``mounted``) as a link in a mail:
    at ``SITE_URL``, or at the municipality's own host (``MUNICIPALITY_HOSTS``) with that
    address's scheme; the path alone where no ``SITE_URL`` is set."""
    base = settings.SITE_URL
    if not base:
        return path
    tenant = tenancy.current()
    if tenant is not None and own_host(tenant.code) and not _by_path.get():
        host = next(h for h, code in settings.MUNICIPALITY_HOSTS.items() if code == tenant.code)
        base = f"{urlsplit(base).scheme}://{host}"
    return f"{base}{path}"


def municipality_list(request) -> HttpResponse:
    """``/`` with several municipalities loaded: each one's site, and its prefecture's view.
    Answered here, before the session and the rest: a page of links, the same for everyone
    but for the language the browser asks for."""
    municipality = apps.get_model("community", "Municipality")
    rows = list(municipality._base_manager.order_by("code"))
    language = translation.get_language_from_request(request)
    with translation.override(language):
        prefectures = sorted({(row.code[:2], row.prefecture) for row in rows})
        html = render_to_string(
            "municipalities.html",
            {"municipalities": rows, "prefectures": prefectures, "language": language},
        )
    response = HttpResponse(html)
    response["Content-Language"] = language
    return response


def in_each_municipality(work: Callable[[], T]) -> list[T]:
    """``work()`` once for each municipality loaded, with it as the tenant (a daily task:
    reminders, digests); with one municipality, once, as it always ran."""
    served = tenants()
    if len(served) <= 1:
        return [work()]
    results = []
    for tenant in served.values():
        with tenancy.activated(tenant):
            results.append(work())
    return results
