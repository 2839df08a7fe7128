"""Infrastructure below every app, knowing no domain: fiscal years, figures, text, the
workflow's mechanics, the access policy's registry, the import engine, jobs, the response
cache, API plumbing, accounts, observability, health and backups (docs/architecture.md)."""

from django.db.models.signals import class_prepared

from .tenancy import filter_managers

# Before any model class is made (the first app config Django imports is below this
# package): each model that belongs to a tenant gets the tenant filter on its managers.
class_prepared.connect(filter_managers, dispatch_uid="infrastructure.tenancy.filter_managers")
