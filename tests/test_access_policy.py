"""The one access policy (``infrastructure.policy``): every door goes through it by
construction, a model no app granted is invisible and read-only everywhere, and the roles'
groups follow the grants after every migrate."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import GenericAPIView
from rest_framework.test import APIClient

from community.access import Role
from indicators.models import IndicatorValue
from infrastructure import policy
from infrastructure.admin_mixins import RestrictedAdmin
from infrastructure.api.viewsets import RestrictedMixin
from infrastructure.workflow import Status
from tests.factories import value

PROJECT_APPS = {"community", "programs", "indicators", "evaluations", "portal", "jobs"}


def _views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            cls = getattr(pattern.callback, "cls", None)
            if cls is not None:
                yield pattern, cls


def test_every_admin_of_the_projects_models_asks_the_policy():
    loose = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS and not isinstance(model_admin, RestrictedAdmin)
    ]
    assert not loose, f"admins that do not derive from RestrictedAdmin: {loose}"


def test_every_api_view_over_rows_asks_the_policy():
    loose = sorted(
        {
            cls.__qualname__
            for _pattern, cls in _views()
            if issubclass(cls, GenericAPIView)
            and cls.__module__.split(".")[0] != "rest_framework"
            and not issubclass(cls, RestrictedMixin)
        }
    )
    assert not loose, f"API views over rows without RestrictedMixin: {loose}"


@pytest.fixture
def ungranted(monkeypatch):
    """IndicatorValue as a new model would be: no app has granted it yet."""
    grants = dict(policy._grants)
    del grants[IndicatorValue]
    del grants[IndicatorValue.history.model]
    monkeypatch.setattr(policy, "_grants", grants)


@pytest.mark.django_db
def test_a_model_no_app_granted_is_invisible_and_read_only_to_every_role(
    ungranted, chuo_officer, planner, city_admin, client
):
    record = value(ward_code="chuo", status=Status.APPROVED)
    for user in (chuo_officer, planner, city_admin):
        assert not IndicatorValue.objects.restrict(user).exists()
        assert not IndicatorValue.objects.visible_to(user).exists()
        for action in (policy.VIEW, policy.CHANGE, policy.DELETE, policy.APPROVE):
            with pytest.raises(PermissionDenied):
                policy.check(user, action, record)
        assert (
            policy.permission_codenames(Role(user.groups.get().name))
            & {("indicators", "view_indicatorvalue")}
            == set()
        )
    # The doors: the API lists nothing, the admin opens nothing.
    anonymous = APIClient().get("/api/v1/indicator-values/")
    assert anonymous.status_code == 200 and anonymous.json()["count"] == 0
    client.force_login(planner)
    assert client.get("/admin/indicators/indicatorvalue/").status_code == 403
    assert client.get(f"/admin/indicators/indicatorvalue/{record.pk}/change/").status_code in (
        403,
        404,
    )


@pytest.mark.django_db
def test_the_same_model_once_granted_is_back(chuo_officer, planner):
    record = value(ward_code="chuo", status=Status.APPROVED)
    assert IndicatorValue.objects.restrict(planner).filter(pk=record.pk).exists()
    assert policy.allowed(chuo_officer, policy.VIEW, record)
    response = APIClient().get(f"/api/v1/indicator-values/{record.pk}/")
    assert response.status_code == 200


def test_a_model_is_granted_once():
    with pytest.raises(ValueError, match="granted twice"):
        policy.grant(IndicatorValue)


def test_a_grant_names_only_known_roles():
    from django.contrib.sessions.models import Session

    with pytest.raises(ValueError, match="unknown roles"):
        policy.grant(Session, reviewer=policy.READ)
    assert policy.grant_of(Session) is None


@pytest.mark.django_db
def test_migrate_puts_the_roles_groups_back_in_step_with_the_grants():
    planner = Group.objects.get(name=Role.PLANNER)
    planner.permissions.clear()
    Group.objects.filter(name=Role.WARD_OFFICER).delete()
    call_command("migrate", verbosity=0)
    for role in (Role.PLANNER, Role.WARD_OFFICER, Role.DEPARTMENT_OFFICER, Role.ADMIN):
        group = Group.objects.get(name=role)
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert held == policy.permission_codenames(role), role
    assert ("indicators", "change_indicatorvalue") in policy.permission_codenames(Role.PLANNER)
    assert ("indicators", "approve_indicatorvalue") not in policy.permission_codenames(Role.PLANNER)


@pytest.mark.django_db
def test_a_superuser_is_an_admin(django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert policy.actor_of(root).role == Role.ADMIN
    assert policy.actor_of(root).unrestricted
