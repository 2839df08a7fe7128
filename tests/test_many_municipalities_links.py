"""A municipality's work makes the links its site makes, wherever it runs (issue 22, item 2):
with several municipalities loaded, a daily digest, a job's mail or anything else that calls
``reverse`` for a municipality gives its address under ``/<code>/``, as a request to its site
would; never the code twice when a request runs the job at once; no code with one loaded
or for a municipality at a host of its own."""

import pytest
from django.core import mail
from django.urls import get_script_prefix, reverse

from community.tenants import in_each_municipality
from indicators.models import IndicatorValue
from infrastructure import tenancy
from infrastructure.workflow import Status
from portal.tasks import send_submission_digests
from tests.test_many_municipalities import HOME, OTHER, home_planner, other_planner, two_cities

pytestmark = pytest.mark.django_db
__all__ = ["home_planner", "other_planner", "two_cities"]  # fixtures, used by name


def tenant_of(code: str) -> tenancy.Tenant:
    from community.tenants import tenants

    return tenants()[code]


def test_each_municipalitys_daily_work_reverses_under_its_code(two_cities):
    addresses = in_each_municipality(lambda: reverse("admin:index"))
    assert addresses == [f"/{HOME}/admin/", f"/{OTHER}/admin/"]
    # And afterwards, outside every municipality, as before.
    assert get_script_prefix() == "/"
    assert reverse("admin:index") == "/admin/"


def test_a_municipalitys_work_inside_anothers_is_mounted_once(two_cities):
    with tenancy.activated(tenant_of(HOME)):
        with tenancy.activated(tenant_of(OTHER)):
            assert reverse("admin:index") == f"/{OTHER}/admin/"
        with tenancy.activated(tenant_of(HOME)):  # a job run at once by the request
            assert reverse("admin:index") == f"/{HOME}/admin/"
        with tenancy.across():  # the prefecture's view: outside every municipality
            assert reverse("admin:index") == "/admin/"
        assert reverse("admin:index") == f"/{HOME}/admin/"
    assert reverse("admin:index") == "/admin/"


def test_one_municipality_loaded_reverses_as_it_always_did(db):
    from community.tenants import tenants

    (only,) = tenants().values()
    with tenancy.activated(only):
        assert reverse("admin:index") == "/admin/"


def test_a_municipality_at_a_host_of_its_own_has_no_code_in_its_links(two_cities, settings):
    settings.MUNICIPALITY_HOSTS = {"kaku.example.jp": OTHER}
    with tenancy.activated(tenant_of(OTHER)):
        assert reverse("admin:index") == "/admin/"
    with tenancy.activated(tenant_of(HOME)):
        assert reverse("admin:index") == f"/{HOME}/admin/"


def test_the_daily_digest_links_to_the_planners_own_municipalitys_admin(
    two_cities, home_planner, other_planner, tasks_run_at_once
):
    for planner, address in ((home_planner, "home@example.jp"), (other_planner, "kaku@example.jp")):
        planner.email = address
        planner.save()
    for draft in two_cities.values():
        IndicatorValue.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    send_submission_digests()
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    changelist = "/admin/indicators/indicatorvalue/?status__exact=submitted"
    assert f"/{OTHER}{changelist}" in by_recipient["kaku@example.jp"]
    assert f"/{HOME}{changelist}" in by_recipient["home@example.jp"]
    assert f"/{HOME}/{HOME}/" not in by_recipient["home@example.jp"]


def test_a_mails_link_is_absolute_at_the_site_or_at_the_municipalitys_own_host(
    two_cities, settings
):
    from portal.notifications import admin_url

    assert admin_url("/admin/") == "/admin/"  # no SITE_URL: the path, as before
    settings.SITE_URL = "https://welfare.example.jp"
    settings.MUNICIPALITY_HOSTS = {"kaku.example.jp": OTHER}
    with tenancy.activated(tenant_of(HOME)):
        assert admin_url(reverse("admin:index")) == f"https://welfare.example.jp/{HOME}/admin/"
    with tenancy.activated(tenant_of(OTHER)):
        assert admin_url(reverse("admin:index")) == "https://kaku.example.jp/admin/"
