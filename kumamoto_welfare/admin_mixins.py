"""Admin behaviour shared by progress records."""

from django.contrib import admin


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Progress records in the admin, through the one row-level policy: each user sees what
    ``kumamoto_welfare.access`` lets them see, and nobody writes here yet. Entry, submission
    and approval go through the API (and the progress-entry admin to come), where every write
    passes the domain services."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
