"""The base of every API view over rows: what it lists or finds is what the one access policy
(``infrastructure.policy``) lets the reader see, by construction, whatever its own
``get_queryset`` builds. ``tests/api/test_restricted_views.py`` checks that every such view
of the URLconf has it."""

from __future__ import annotations

from rest_framework import generics, viewsets

from infrastructure import policy


class RestrictedMixin:
    """``filter_queryset`` (which DRF's list and ``get_object`` both go through) starts from
    the rows the reader may see."""

    def filter_queryset(self, queryset):
        return super().filter_queryset(policy.restrict(queryset, self.request.user, policy.VIEW))


class RestrictedReadOnlyViewSet(RestrictedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RestrictedListView(RestrictedMixin, generics.ListAPIView):
    pass


class RestrictedRetrieveView(RestrictedMixin, generics.RetrieveAPIView):
    pass
