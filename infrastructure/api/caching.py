"""The public reads of the API, answered from the anonymous response cache
(``infrastructure.response_cache``, the same one the public pages use).

A view that mixes in ``AnonymousResponseCache`` keeps the rendered bytes of its anonymous
``GET`` answers, per renderer and media type (JSON, ``?format=csv`` …) on top of the path,
query, language and data generation. Only views whose answers depend on nothing but those
and on data that moves the generation on may use it. DRF's checks run on every request,
a cached one included: authentication (to tell anonymous readers from staff), permissions,
the throttle and content negotiation. Only the view's own work is skipped on a hit.

A copy is served again earlier still, before the session and authentication middleware and
DRF, by ``response_cache.EarlyResponseCacheMiddleware``, which then runs DRF's
``AnonRateThrottle`` itself; only for views whose throttles are that one alone (or none).
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework.throttling import AnonRateThrottle

from infrastructure import response_cache


def vary_by_reader(request, response) -> None:
    """Mark an answer that depends on who reads it (staff in a record's scope see its
    review: ``workflow.transitions_shown``; a target's setter): it varies by the session
    cookie and the token, and a signed-in reader's is ``private``, so that no shared cache
    on the way hands a staff answer to the public. The anonymous response cache itself
    keeps and serves anonymous answers only (``response_cache.cacheable``)."""
    django_request = getattr(request, "_request", request)
    patch_vary_headers(response, ("Authorization", "Cookie"))
    user = getattr(django_request, "user", None)
    if "HTTP_AUTHORIZATION" in django_request.META or getattr(user, "is_authenticated", False):
        patch_cache_control(response, private=True)


class AnonymousResponseCache:
    response_cache_key: str | None = None

    def initial(self, request, *args, **kwargs):
        self.response_cache_key = None
        super().initial(request, *args, **kwargs)
        if not response_cache.cacheable(request._request, request.user):
            return
        key = response_cache.cache_key(
            request._request, request.accepted_renderer.format, request.accepted_media_type
        )
        hit = response_cache.lookup(key)
        throttles = self.get_throttles()
        if all(type(throttle) is AnonRateThrottle for throttle in throttles):
            # The early middleware may serve this answer again, running the same throttle.
            response_cache.allow_early(request._request, throttle=bool(throttles))
        if hit is None:
            self.response_cache_key = key  # stored by finalize_response if it may be
        else:
            # dispatch() calls the handler named after the method next: let it answer with
            # the stored bytes. finalize_response adds DRF's headers to them as to any answer.
            setattr(self, request.method.lower(), lambda *args, **kwargs: hit)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        vary_by_reader(request, response)
        if self.response_cache_key is not None:
            response_cache.store(self.response_cache_key, request._request, response)
        return response
