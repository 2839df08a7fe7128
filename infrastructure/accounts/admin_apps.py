from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with the staff site as ``admin.site`` (the second factor)."""

    default_site = "infrastructure.accounts.admin_site.StaffAdminSite"
