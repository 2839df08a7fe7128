from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from infrastructure import workflow
from infrastructure.fiscal_year import fiscal_year_label

from .fields import FiscalYearField


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a string, without padding zeros: "78.61", "111901" (always a string).
    With ``places``, always that many decimals: an achievement rate reads "55.0"."""

    def __init__(self, *, places: int | None = None, **kwargs):
        self.places = places
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        kwargs["coerce_to_string"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        if self.places is not None:
            return f"{Decimal(value):.{self.places}f}"
        return plain(Decimal(value))


def plain(value: Decimal) -> str:
    normalised = value.normalize()
    return f"{normalised:f}" if normalised != 0 else "0"


def reader(serializer: serializers.Serializer):
    """Who reads the answer: the request's user, or the public without a request."""
    request = serializer.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()


class TransitionSerializer(serializers.Serializer):
    """One step of a record's workflow. Who took it and why only for staff in the record's
    scope (``context["in_full"]``, from ``workflow.transitions_shown``); null for anyone else."""

    transition = serializers.CharField()
    transition_label = serializers.CharField(source="get_transition_display")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    user = serializers.SerializerMethodField(
        help_text="The login name of who took the step: only for staff in the record's scope "
        "(its ward's or department's officers, planners); null for anyone else."
    )
    at = serializers.DateTimeField()
    comment = serializers.SerializerMethodField(
        help_text="The comment (a return's or reopening's reason): only for staff in the "
        "record's scope; null for anyone else."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_user(self, entry) -> str | None:
        return entry.user.get_username() if self.context.get("in_full") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_comment(self, entry) -> str | None:
        return entry.comment if self.context.get("in_full") else None


class WorkflowRecordSerializer(serializers.ModelSerializer):
    """Common fields of progress records; writes go to ``create_service``."""

    fiscal_year = FiscalYearField()
    fiscal_year_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    transitions = serializers.SerializerMethodField(
        help_text="The workflow's steps. Staff in the record's scope (its ward's or "
        "department's officers, planners) see every step with who took it and the comment; "
        "anyone else the approvals and their withdrawal (reopen) only, with user and comment "
        "null."
    )

    create_service = None
    workflow_fields = [
        "fiscal_year",
        "fiscal_year_label",
        "status",
        "status_label",
        "version",
        "transitions",
        "created_at",
        "updated_at",
    ]

    @extend_schema_field(serializers.CharField())
    def get_fiscal_year_label(self, record) -> str:
        return fiscal_year_label(record.fiscal_year)

    @extend_schema_field(TransitionSerializer(many=True))
    def get_transitions(self, record) -> list[dict]:
        entries, in_full = workflow.transitions_shown(
            reader(self), record, record.transitions.all()
        )
        return TransitionSerializer(
            entries, many=True, context={**self.context, "in_full": in_full}
        ).data

    def create_with(self, *, user):
        return type(self).create_service(user=user, **self.validated_data)

    def validated_changes(self) -> dict:
        return dict(self.validated_data)


class PointSerializer(serializers.Serializer):
    """A figure of a fiscal year."""

    fiscal_year = serializers.IntegerField()
    fiscal_year_label = serializers.SerializerMethodField()
    value = PlainDecimalField()

    @extend_schema_field(serializers.CharField())
    def get_fiscal_year_label(self, point) -> str:
        return fiscal_year_label(point.fiscal_year)


class VersionedRecordSerializer(serializers.ModelSerializer):
    """Common behaviour of records written through a service with If-Match (see
    ``infrastructure.api.workflow.VersionedViewSet``)."""

    create_service = None
    versioned_fields = ["version", "created_at", "updated_at"]

    def create_with(self, *, user):
        return type(self).create_service(user=user, **self.validated_data)

    def validated_changes(self) -> dict:
        return dict(self.validated_data)
