"""``If-Match: *`` is refused like a missing If-Match (428), and the admin's delete checks the
version the confirmation page showed."""

import pytest
from django.test import Client
from django.urls import reverse

from community.models import CommunityResource
from community.services import community_resource_update
from indicators.models import IndicatorValue
from indicators.services import indicator_value_update
from tests.api.conftest import client_for
from tests.community.helpers import resource
from tests.factories import value

pytestmark = pytest.mark.django_db
VALUES = "/api/v1/indicator-values/"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("patch", "{pk}/", {"value": "116000"}),
        (
            "put",
            "{pk}/",
            {
                "indicator": "KPI-3-1",
                "ward": "中央区",
                "fiscal_year": 2015,
                "kind": "actual",
                "value": "116000",
            },
        ),
        ("delete", "{pk}/", None),
        ("post", "{pk}/submit/", {}),
    ],
)
def test_if_match_star_is_refused_with_428(chuo_officer, method, path, data):
    record = value(ward_code="chuo")
    client = client_for(chuo_officer)
    response = getattr(client, method)(
        VALUES + path.format(pk=record.pk), data, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 428
    error = response.json()["error"]
    assert error["code"] == "precondition_required" and "「*」" in error["message"]
    record.refresh_from_db()
    assert (record.version, record.status) == (1, "draft")
    assert IndicatorValue.objects.filter(pk=record.pk).exists()


def test_if_match_star_is_refused_for_community_records(chuo_officer):
    entry = resource(ward_code="chuo")
    response = client_for(chuo_officer).patch(
        f"/api/v1/community-resources/{entry.pk}/",
        {"phone": "1"},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 428


def test_the_schema_says_so():
    schema = Client().get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/indicator-values/{id}/"]["patch"]["parameters"]
    if_match = next(p for p in parameters if p["name"] == "If-Match")
    assert '"*"' in if_match["description"]


def delete_page_and_confirm(client, url):
    page = client.get(url)
    assert page.status_code == 200
    version = page.context["expected_version"]
    assert f'name="expected_version" value="{version}"' in page.content.decode()
    return version


def test_an_admin_delete_after_someone_else_saved_is_refused(client, chuo_officer):
    record = value(ward_code="chuo")
    client.force_login(chuo_officer)
    url = reverse("admin:indicators_indicatorvalue_delete", args=[record.pk])
    shown = delete_page_and_confirm(client, url)
    # Meanwhile a colleague corrects the value.
    indicator_value_update(
        user=chuo_officer, record=record, expected_version=shown, value="116000", note="訂正"
    )
    response = client.post(url, {"post": "yes", "expected_version": shown}, follow=True)
    assert IndicatorValue.objects.filter(pk=record.pk).exists()
    page = response.content.decode()
    assert "削除しませんでした" in page and "他の人が更新しました" in page
    assert response.redirect_chain[-1][0].endswith(f"/{record.pk}/change/")
    # Shown again, it can be deleted.
    current = delete_page_and_confirm(client, url)
    assert current == shown + 1
    assert client.post(url, {"post": "yes", "expected_version": current}).status_code == 302
    assert not IndicatorValue.objects.filter(pk=record.pk).exists()


def test_an_admin_delete_without_the_version_is_refused(client, chuo_officer):
    record = value(ward_code="chuo")
    client.force_login(chuo_officer)
    url = reverse("admin:indicators_indicatorvalue_delete", args=[record.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert IndicatorValue.objects.filter(pk=record.pk).exists()


def test_community_records_check_the_version_on_delete_too(client, planner):
    entry = resource(ward_code="chuo")
    client.force_login(planner)
    url = reverse("admin:community_communityresource_delete", args=[entry.pk])
    shown = delete_page_and_confirm(client, url)
    community_resource_update(user=planner, record=entry, expected_version=shown, phone="1")
    client.post(url, {"post": "yes", "expected_version": shown})
    assert CommunityResource.objects.filter(pk=entry.pk).exists()
