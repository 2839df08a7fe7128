"""Rendered responses for anonymous readers, cached per data generation.

One mechanism for the public pages (``public_page``, used by portal) and the API's public
reads (``kumamoto_welfare.api.caching.AnonymousResponseCache``). A ``GET`` or ``HEAD`` from
someone not signed in (no session of a user, no ``Authorization`` header) is cached under the
data generation, the active language, the scheme, host, path and sorted query string, and
whatever else the door says changes the bytes (the API: the negotiated renderer and media
type). Every change to public data (progress data, approvals, the plan's content, the city)
moves the generation on (``bump_generation``; connected in ``indicators.signals``), so no
response older than the data is served.

Nothing is served from, or stored into, this cache for a signed-in user: staff may see more
(a ward officer sees the drafts of their own ward). A response that is not a 200, streams,
sets a cookie, used the CSRF token or the CSP nonce is not stored. What is kept is the body
and the headers the view set (type, ``ETag``, DRF's ``Allow`` …); the middleware (CSP,
security headers, ``Content-Language``, ``Vary``) runs on every response, a cached one
included, so a copy from the cache answers with the same headers as the view itself.

The cache may be Redis; when Redis is down every lookup is a miss (django-redis's
``IGNORE_EXCEPTIONS`` and ``kumamoto_welfare.redis_pool``) and the view answers as usual.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.translation import get_language

GENERATION_KEY = "progress-data-generation"
CACHE_SECONDS = 60 * 60
RESPONSE_KEY = "anonymous-response"
# Says whether a response came from this cache ("hit") or was stored into it ("miss").
MARKER = "X-Response-Cache"


def generation() -> int:
    """The data generation: a number that every change to public data moves on."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        value = cache.get(GENERATION_KEY, _fresh_generation())  # (Redis down: any is a miss)
    return value


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


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


def cache_key(request: HttpRequest, *variant: str) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    # The host and scheme too: a paginated answer links to itself absolutely.
    where = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256("\n".join((where, *variant)).encode()).hexdigest()[:32]
    return f"{RESPONSE_KEY}:{generation()}:{get_language()}:{digest}"


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
        else:
            response = view(request, *args, **kwargs)
        # Who is signed in and the chosen language both come from cookies: no shared cache
        # on the way may hand one visitor's copy to another.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
