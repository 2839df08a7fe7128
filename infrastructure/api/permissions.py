from rest_framework.permissions import SAFE_METHODS, BasePermission

from infrastructure import policy


class ReadOrStaffWrite(BasePermission):
    """Everyone reads (querysets show the public approved data only); writing needs a staff
    role. Which records a role may write is decided by infrastructure.policy, called by the
    services, so the API, the admin and imports answer alike."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or policy.actor_of(request.user).role is not None
