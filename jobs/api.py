"""A job's status over the API, for a page or client that polls a long job (an import, a
report): its state, progress (done of total) and result. One's own jobs; planners and
admins see every job."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kumamoto_welfare.access import Role, role_of

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

    @extend_schema(responses=JobSerializer)
    def get(self, request, pk: int):
        jobs = Job.objects.all()
        if role_of(request.user) not in (Role.PLANNER, Role.ADMIN):
            jobs = jobs.filter(user=request.user)
        return Response(JobSerializer(get_object_or_404(jobs, pk=pk)).data)
