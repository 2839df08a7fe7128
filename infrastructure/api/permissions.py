from rest_framework.permissions import SAFE_METHODS, BasePermission

from infrastructure.access import role_of


class ReadOrStaffWrite(BasePermission):
    """Everyone reads (querysets show the public approved data only); writing needs a staff
    role. Which records a role may write is decided by infrastructure.access, called by the
    services, so the API, the admin and imports answer alike."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or role_of(request.user) is not None
