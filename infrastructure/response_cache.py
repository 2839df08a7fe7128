"""Rendered responses for anonymous readers, cached per data generation.

One mechanism for the public pages (``public_page``, used by portal) and the API's public
reads (``infrastructure.api.caching.AnonymousResponseCache``). A ``GET`` or ``HEAD`` from
someone not signed in (no session of a user, no ``Authorization`` header) is cached under the
data generation, the active language, the scheme, host, path and sorted query string, and
whatever else the door says changes the bytes (the API: the negotiated renderer and media
type). Every change to public data (progress data, approvals, the plan's content, the city)
moves the generation on (``bump_generation``), so no response older than the data is served:
each app names its own models whose saves and deletes do so (``follow_models`` in its
``AppConfig.ready``).

The generation is the active tenant's (``infrastructure.tenancy``): a change to a
municipality's rows moves on that municipality's generation and the installation's, so the
other municipalities' cached answers stay. The installation's generation, read when no
tenant is active (an installation with one municipality, the prefecture's view across
them), moves on at every change. A change to a row every tenant shares (a unit, a theme)
moves every tenant's on: a tenant's generation is the sum of its own count and the shared
one.

Nothing is served from, or stored into, this cache for a signed-in user: staff may see more
(a ward officer sees the drafts of their own ward). A response that is not a 200, streams,
sets a cookie, used the CSRF token or the CSP nonce is not stored. What is kept is the body
and the headers the view set (type, ``ETag``, DRF's ``Allow`` …); the middleware (CSP,
security headers, ``Content-Language``, ``Vary``) runs on every response, a cached one
included, so a copy from the cache answers with the same headers as the view itself.

A copy so stored is served again, for a request that nothing but the path, query, language
and ``Accept`` tells apart from the public's, by ``EarlyResponseCacheMiddleware`` placed
just inside the security, CSP and request-id middleware: session, authentication, messages,
OTP, axes and the rest do not run for it, nor does DRF. What they added to the answer (their
headers: ``Vary``, ``Content-Language``, ``Content-Length``, ``X-Frame-Options`` …) is kept
with it, as the normal path produced them; what the middleware above adds (CSP, the security
headers, ``X-Request-ID``) it adds as to any answer. The API's anonymous throttle still runs:
DRF's ``AnonRateThrottle`` itself, with its own cache keys, so the counts are one.

The cache may be Redis; when Redis is down every lookup is a miss (django-redis's
``IGNORE_EXCEPTIONS`` and ``infrastructure.redis_pool``) and the view answers as usual.
"""

from __future__ import annotations

import hashlib
import time
from functools import partial, wraps

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.translation import get_language, get_language_from_request

from infrastructure import tenancy

#: The installation's data generation, which every change moves on; each tenant's count is
#: kept under ``GENERATION_KEY:<tenant id>``, and the count of the rows every tenant shares
#: under ``SHARED_KEY``.
GENERATION_KEY = "progress-data-generation"
SHARED_KEY = f"{GENERATION_KEY}:shared"
CACHE_SECONDS = 60 * 60
RESPONSE_KEY = "anonymous-response"
# Says whether a response came from this cache ("hit") or was stored into it ("miss").
MARKER = "X-Response-Cache"
EARLY_KEY = "anonymous-response-early"
# Set on the request by a door whose answer the early middleware may keep: whether the
# anonymous throttle must run before a copy is served (the API) or not (the pages).
_EARLY = "_response_cache_early"


def tenant_generation_key(tenant_id: int) -> str:
    """Where tenant ``tenant_id``'s own count is kept (by its id: known without a query)."""
    return f"{GENERATION_KEY}:{tenant_id}"


def generation() -> int:
    """The data generation: a number that every change to public data moves on. With a
    tenant active, the tenant's: its rows' changes and the shared rows' move it on, no other
    tenant's; with none, the installation's, which every change moves on. One read of the
    cache, no query."""
    tenant_id = tenancy.current_id()
    if tenant_id is None:
        return _counted((GENERATION_KEY,))
    # Both counts only grow (or start again from the clock, past any number reached), so
    # their sum grows whenever either does and never comes back to a number it had.
    return _counted((SHARED_KEY, tenant_generation_key(tenant_id)))


def _counted(keys: tuple[str, ...]) -> int:
    found = cache.get_many(keys)
    if len(found) < len(keys):
        for key in keys:
            if key not in found:
                cache.add(key, _fresh_generation(), timeout=None)
        found = cache.get_many(keys)
    # (Redis down: a fresh number each time, so any lookup is a miss.)
    return sum(found[key] if key in found else _fresh_generation() for key in keys)


def bump_generation(tenant_id: int | None = None) -> None:
    """Move the data generation on: tenant ``tenant_id``'s and the installation's; with
    None (a change to rows every tenant shares, or whose tenant is not known), every
    tenant's."""
    _bump(GENERATION_KEY)
    _bump(SHARED_KEY if tenant_id is None else tenant_generation_key(tenant_id))


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh_generation(), timeout=None)


def data_changed(sender=None, instance=None, **kwargs) -> None:
    """A receiver: public data changed, the generation of the tenant the row belongs to
    moves on (every tenant's for a shared row)."""
    tenant_id = None if instance is None else changed_tenant(instance)
    # Now, so this transaction's own reads recompute; and on commit, so that nothing
    # computed meanwhile from the uncommitted rows outlives them.
    bump_generation(tenant_id)
    transaction.on_commit(partial(bump_generation, tenant_id))


def changed_tenant(instance) -> int | None:
    """The tenant whose data a save or delete of ``instance`` changed, found without a
    query: the row's own, as far as it and the parents loaded with it tell; else the active
    tenant's (whose work reaches its own rows only). None, every tenant's: a row every tenant
    shares, or one whose tenant is not known so (a delete cascading from its parent, with
    no tenant active)."""
    if not tenancy.paths_of(type(instance)):
        return None
    found = tenancy.tenant_id_loaded(instance)
    return found if found is not None else tenancy.current_id()


#: The models whose saves and deletes move the generation on, by the app that named them.
FOLLOWED: dict[str, tuple[str, ...]] = {}


def follow_models(app_config, *model_names: str) -> None:
    """Move the generation on at every save and delete of the models ``model_names`` of
    ``app_config``: its own models (``AppConfig.get_model`` knows no other app's), named in
    its ``ready``. Each app knows which of its data the cached answers show; no app lists
    another's. The tenant whose generation moves is the row's (its model's
    ``tenant_path``, ``infrastructure.tenancy``)."""
    labels = []
    for name in model_names:
        model = app_config.get_model(name)
        label = model._meta.label
        post_save.connect(data_changed, sender=model, dispatch_uid=f"progress-{label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"progress-del-{label}")
        labels.append(label)
    FOLLOWED[app_config.label] = tuple(labels)


def _fresh_generation() -> int:
    # The number may be lost while entries made under it stay: a full cache evicts some keys
    # (the local-memory cache culls a third at 300 entries; Redis may evict too). Counting
    # again from 1 would meet those entries and serve them, stale. So a new count starts from
    # the clock, in milliseconds: past any number an earlier count reached, unless that one
    # moved on more than a thousand times a second.
    return time.time_ns() // 1_000_000


def cacheable(request: HttpRequest, user) -> bool:
    """Whether ``request``, made by ``user`` (as the door authenticated it), may be answered
    from the anonymous cache."""
    return (
        request.method in ("GET", "HEAD")
        and not user.is_authenticated
        and "HTTP_AUTHORIZATION" not in request.META
    )


def response_key(
    prefix: str, request: HttpRequest, *variant: str, host: str, language: str | None
) -> str:
    """The one way a response is keyed: ``prefix``, the data generation, ``language``, and a
    digest of the scheme, ``host``, path and sorted query with whatever else the door says
    changes the bytes (``variant``). The doors differ only in what they pass: the views the
    active language and the renderer; the early middleware the language the locale
    middleware would choose and the ``Accept`` header as sent."""
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    # The host and scheme too: a paginated answer links to itself absolutely.
    where = f"{request.scheme}://{host}{request.path}?{query}"
    digest = hashlib.sha256("\n".join((where, *variant)).encode()).hexdigest()[:32]
    return f"{prefix}:{generation()}:{language}:{digest}"


def cache_key(request: HttpRequest, *variant: str) -> str:
    """The key of a view's answer (``public_page``, ``AnonymousResponseCache``)."""
    return response_key(
        RESPONSE_KEY, request, *variant, host=request.get_host(), language=get_language()
    )


def lookup(key: str) -> HttpResponse | None:
    """The stored response under ``key``, or None."""
    hit = cache.get(key)
    if hit is None:
        return None
    headers, body = hit
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    response[MARKER] = "hit"
    return response


def store(key: str, request: HttpRequest, response) -> None:
    """Keep ``response`` (rendered here if it is not yet) under ``key``, if it may be."""
    if not _storable(request, response):
        return
    if not getattr(response, "is_rendered", True):
        response.render()
    # ConditionalGetMiddleware would compute the same ETag from the same bytes; computed
    # once here, it is kept with them and not hashed again on every hit.
    if not response.has_header("ETag") and "no-store" not in response.get("Cache-Control", ""):
        set_response_etag(response)
    cache.set(key, (list(response.items()), response.content), CACHE_SECONDS)
    response[MARKER] = "miss"


def _storable(request: HttpRequest, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not getattr(response, "exception", False)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not _nonce_used(request)
    )


def _nonce_used(request: HttpRequest) -> bool:
    # django-csp makes the nonce only when a template asks for it, and keeps it here.
    return isinstance(getattr(request, "_csp_nonce", None), str)


def allow_early(request: HttpRequest, *, throttle: bool) -> None:
    """Let ``EarlyResponseCacheMiddleware`` keep this request's answer (a door calls it for
    an anonymous request it answered from, or stored into, this cache). ``throttle``: DRF's
    ``AnonRateThrottle`` (and nothing else) must count every request served."""
    setattr(request, _EARLY, throttle)


def public_page(view):
    """Cache a function view's page for anonymous readers (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if cacheable(request, request.user):
            key = cache_key(request)
            response = lookup(key)
            if response is None:
                response = view(request, *args, **kwargs)
                store(key, request, response)
            allow_early(request, throttle=False)
        else:
            response = view(request, *args, **kwargs)
        # Who is signed in and the chosen language both come from cookies: no shared cache
        # on the way may hand one visitor's copy to another.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


class EarlyResponseCacheMiddleware:
    """Serve the anonymous copies before the session, authentication, locale, messages, OTP
    and axes middleware (and DRF) run: in MIDDLEWARE just after CSP, the security headers,
    WhiteNoise and the request id, whose work a copy still gets.

    Only for a ``GET``/``HEAD`` without ``Authorization``, without a session cookie (a
    signed-in user's or not: that takes the normal path), without ``Origin`` (CORS answers
    it) and without ``If-None-Match``/``If-Modified-Since`` (the conditional GET answers it).
    The key: the data generation, the language as ``LocaleMiddleware`` would choose it
    (``get_language_from_request``: the cookie, then ``Accept-Language``), the scheme, host,
    path, sorted query and the ``Accept`` header as sent (what DRF negotiates from). A copy
    is what the normal path answered to such a request, a 200 that a door stored into or
    served from this cache (``allow_early``), with every header the middleware below this
    one added. When the throttle refuses, the normal path answers (DRF's 429; a refusal
    records nothing, so it is not counted twice).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.check_path = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]
        # CommonMiddleware refuses these; the early path would not.
        self.enabled = not settings.DISALLOWED_USER_AGENTS

    def __call__(self, request):
        key = self._key(request) if self.enabled and self._eligible(request) else None
        if key is not None:
            hit = cache.get(key)
            if hit is not None:
                headers, body, throttle = hit
                if not throttle or _anonymous_throttle_allows(request):
                    response = HttpResponse(body)
                    for name, value in headers:
                        response[name] = value
                    return response
                key = None  # refused: DRF answers with its 429, which is not kept
        response = self.get_response(request)
        if key is not None and request.method == "GET":
            throttle = getattr(request, _EARLY, None)
            if (
                throttle is not None
                and response.status_code == 200
                and response.get(MARKER) in ("hit", "miss")
                and not response.streaming
                and not response.cookies
            ):
                headers = [(k, "hit" if k == MARKER else v) for k, v in response.items()]
                cache.set(key, (headers, response.content, throttle), CACHE_SECONDS)
        return response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        meta = request.META
        return (
            request.method in ("GET", "HEAD")
            and "HTTP_AUTHORIZATION" not in meta
            and "HTTP_ORIGIN" not in meta
            and "HTTP_IF_NONE_MATCH" not in meta
            and "HTTP_IF_MODIFIED_SINCE" not in meta
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    def _key(self, request: HttpRequest) -> str | None:
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # the normal path answers it (400)
        language = get_language_from_request(request, check_path=self.check_path)
        accept = request.META.get("HTTP_ACCEPT", "")
        return response_key(EARLY_KEY, request, accept, host=host, language=language)


class _AnonymousRequest:
    """A request as DRF's ``AnonRateThrottle`` sees it: anonymous (no ``Authorization``, no
    session cookie), the rest the Django request's own (``META``, ``headers`` …)."""

    def __init__(self, request: HttpRequest):
        from django.contrib.auth.models import AnonymousUser

        self._request = request
        self.user = AnonymousUser()

    def __getattr__(self, name):
        return getattr(self._request, name)


def _anonymous_throttle_allows(request: HttpRequest) -> bool:
    from rest_framework.throttling import AnonRateThrottle

    # The same class, scope, rate and cache keys as DRF's check in the view: one count.
    return AnonRateThrottle().allow_request(_AnonymousRequest(request), None)
