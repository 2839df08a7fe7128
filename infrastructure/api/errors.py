"""One error body for every API error, documented in the schema as ``Error``:

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"value": ["…"]}}}

Messages follow Accept-Language (Japanese by default, English available).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from infrastructure.fiscal_year import FiscalYearError
from infrastructure.workflow import VersionConflict


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _("更新には If-Match ヘッダーで記録の ETag を送ってください（GET で得られます）。")
        )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class NotFoundView(APIView):
    """Any other path under /api/v1/ (a malformed id, a code with characters no code has):
    the API's 404 in the API's format, not Django's HTML page."""

    permission_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(m) for m in detail]} if isinstance(detail, list) else {}


def error_response(status_code: int, code: str, message: str, **extra) -> Response:
    return Response(
        {"error": {"status": status_code, "code": code, "message": message, **extra}},
        status=status_code,
    )


def exception_handler(exc, context):
    if isinstance(exc, VersionConflict):
        changes = {
            name: {"yours": _plain(before), "current": _plain(after)}
            for name, (before, after) in exc.changes.items()
        }
        response = error_response(
            412,
            "precondition_failed",
            str(exc),
            current_version=exc.record.version,
            changes=changes,
            # The same lines as the admin's conflict message (infrastructure.changes).
            changes_in_words=[change.text for change in exc.described()],
        )
        response["ETag"] = exc.record.etag
        return response
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, FiscalYearError):
        exc = exceptions.ValidationError({"fiscal_year": [str(exc)]})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        first = next(iter(fields.values()), [""])[0]
        body = {
            "status": response.status_code,
            "code": "invalid",
            "message": first or _("入力に誤りがあります。"),
            "fields": fields,
        }
    else:
        message = detail.get("detail", "") if isinstance(detail, dict) else str(detail)
        code = getattr(getattr(exc, "detail", None), "code", None) or exc.default_code
        body = {"status": response.status_code, "code": str(code), "message": str(message)}
    response.data = {"error": body}
    return response


def _plain(value):
    return None if value is None else str(value)
