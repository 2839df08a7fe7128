"""The public pages' rendered HTML, cached like the API's summaries.

An anonymous ``GET`` of a public page is cached under its path and query (fiscal year,
plan …), the visitor's language and the progress data's generation
(``indicators.selectors.generation``): every change to progress data, an approval included,
moves the generation on, so no page older than the data is served. Nothing is cached, or
served from the cache, for a signed-in user; a response that sets a cookie, used the CSRF
token or the CSP nonce, or is not a 200, is not stored. Only the body and its type are kept:
the middleware (CSP, security headers, ETag, Content-Language) runs on every response, a
cached one included."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from indicators.selectors import CACHE_SECONDS, generation

PAGE_KEY = "public-page"


def page_cache_key(request) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"{PAGE_KEY}:{generation()}:{get_language()}:{digest}"


def _cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not _nonce_used(request)
    )


def _nonce_used(request) -> bool:
    # django-csp makes the nonce only when a template asks for it, and keeps it here.
    return isinstance(getattr(request, "_csp_nonce", None), str)


def public_page(view):
    """Cache ``view``'s HTML for anonymous readers (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = _cached_view(view, request, *args, **kwargs)
        # Who is signed in and the chosen language both come from cookies: no shared cache
        # on the way may hand one visitor's copy to another.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _cached_view(view, request, *args, **kwargs):
    if not _cacheable_request(request):
        return view(request, *args, **kwargs)
    key = page_cache_key(request)
    hit = cache.get(key)
    if hit is not None:
        content_type, body = hit
        response = HttpResponse(body, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = view(request, *args, **kwargs)
    if _storable(request, response):
        cache.set(key, (response["Content-Type"], response.content), CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
    return response
