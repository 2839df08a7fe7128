"""A job's status over the API, for a page or client that polls a long job (an import, a
report): its state, progress (done of total) and result. One's own jobs; planners and
admins see every job."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from infrastructure import policy

from .models import Job


class JobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(allow_null=True, read_only=True)
    result = serializers.JSONField(allow_null=True, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "status_label",
            "done",
            "total",
            "percent",
            "result",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class JobView(APIView):
    """One background job: poll it until `status` is `succeeded` or `failed`."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=JobSerializer,
    )
    def get(self, request, id: str):
        # Any text in the path (not the int converter): a malformed id is this view's JSON 404.
        if not id.isdigit():
            raise NotFound()
        jobs = policy.restrict(Job.objects.all(), request.user)  # one's own; planners' all
        return Response(JobSerializer(get_object_or_404(jobs, pk=int(id))).data)
