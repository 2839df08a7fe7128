"""The API side of progress records: If-Match on every write, ETags on every read, and the
workflow actions submit / approve / return / reopen. Rules stay in the domain services."""

from __future__ import annotations

import re

from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from infrastructure.text import MAX_COMMENT
from infrastructure.workflow import Transition, record_transition

from .caching import vary_by_reader
from .errors import PreconditionFailed, PreconditionRequired
from .permissions import ReadOrStaffWrite
from .viewsets import RestrictedMixin

ETAG = re.compile(r'^(?:W/)?"(?P<pk>\d+)-(?P<version>\d+)"$')

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the record as last read (e.g. "12-3"); 428 without it or with '
    '"*", 412 if the record changed since.',
)

CommentSerializer = inline_serializer(
    "TransitionComment",
    {
        "comment": serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=MAX_COMMENT,
            help_text="Required to return or reopen. No control characters but tab and line "
            "breaks.",
        )
    },
)


def expected_version(request, record) -> int:
    """The version the client last saw, from If-Match. ``*`` (any version) would skip the
    check that keeps one person from overwriting another's work: refused like no header."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        raise PreconditionRequired(
            _("If-Match に「*」は使えません。記録の ETag を送ってください（GET で得られます）。")
        )
    for tag in (t.strip() for t in header.split(",")):
        match = ETAG.match(tag)
        if match and int(match["pk"]) == record.pk:
            return int(match["version"])
    raise PreconditionFailed(f"If-Match {header} does not name this record.")


def with_validators(response: Response, record) -> Response:
    response["ETag"] = record.etag
    response["Last-Modified"] = http_date(record.updated_at.timestamp())
    return response


class VersionedViewSet(
    RestrictedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lists and records scoped to what the user may see; writes through the services, with
    If-Match on every change. Records without approval use it as it is."""

    permission_classes = [ReadOrStaffWrite]
    update_service = None  # (user, record, expected_version, **changes) -> record
    delete_service = None  # (user, record, expected_version) -> None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        vary_by_reader(request, response)  # what a reader sees depends on who they are
        return response

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        return with_validators(Response(self.get_serializer(record).data), record)

    def perform_create(self, serializer):
        serializer.instance = serializer.create_with(user=self.request.user)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        return with_validators(response, response.data.serializer.instance)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        record = self.get_object()
        version = expected_version(request, record)
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        record = type(self).update_service(
            user=request.user,
            record=record,
            expected_version=version,
            **serializer.validated_changes(),
        )
        return with_validators(Response(self.get_serializer(record).data), record)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        type(self).delete_service(
            user=request.user, record=record, expected_version=expected_version(request, record)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkflowViewSet(VersionedViewSet):
    """A versioned record that also goes through draft → submitted → approved."""

    def _transition(self, request, transition: str):
        record = self.get_object()
        version = expected_version(request, record)
        comment = request.data.get("comment", "") if hasattr(request.data, "get") else ""
        record = record_transition(
            record=record,
            transition=transition,
            user=request.user,
            comment=str(comment or ""),
            expected_version=version,
        )
        return with_validators(Response(self.get_serializer(record).data), record)

    @extend_schema(request=CommentSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, format=None):
        """Submit a draft for approval (its ward's officer, or a planner)."""
        return self._transition(request, Transition.SUBMIT)

    @extend_schema(request=CommentSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, format=None):
        """Approve a submitted record (planners)."""
        return self._transition(request, Transition.APPROVE)

    @extend_schema(request=CommentSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None, format=None):
        """Return a submitted record to draft with a comment (planners)."""
        return self._transition(request, Transition.RETURN)

    @extend_schema(request=CommentSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None, format=None):
        """Reopen an approved record to draft with a reason (planners)."""
        return self._transition(request, Transition.REOPEN)
