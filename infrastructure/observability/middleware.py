from __future__ import annotations

from django.core.signals import request_finished
from django.dispatch import receiver

from .logs import new_request_id, request_id


class RequestIdMiddleware:
    """Gives each request an id (a proxy's X-Request-ID if it sent a sane one), puts it on
    every log line written while the request runs and answers it in X-Request-ID, so that a
    user's report, the access log and the app's log lines meet. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = new_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = rid
        request_id.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


@receiver(request_finished, dispatch_uid="request-id-finished")
def _forget_request_id(**kwargs) -> None:
    # Not when the middleware returns: Django logs a 4xx/5xx answer (django.request) after
    # the middleware, and that line belongs to the request too.
    request_id.set("-")
