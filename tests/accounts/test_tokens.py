"""API tokens: issued to active staff with a role only, hashed, with an expiry (401 after
it), revoked by DELETE and by deactivating the account."""

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
WRITE = "/api/v1/indicator-values/"


def obtain(username, password=PASSWORD, **data):
    return Client().post(
        TOKEN, {"username": username, "password": password, **data}, content_type="application/json"
    )


def authorised(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def new_value(client):
    return client.post(
        WRITE,
        {
            "indicator": "KPI-3-1",
            "ward": "中央区",
            "fiscal_year": 2015,
            "kind": "actual",
            "value": "1000",
        },
        content_type="application/json",
    )


def test_staff_with_a_role_get_a_token_that_expires(chuo_officer, settings):
    response = obtain("chuo_officer")
    assert response.status_code == 200
    body = response.json()
    stored = AuthToken.objects.get(user=chuo_officer)
    assert stored.digest != body["token"]  # only a hash is kept
    expected = timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert abs(stored.expiry - expected) < timedelta(minutes=1)
    assert body["expiry"] == timezone.localtime(stored.expiry).isoformat()  # +09:00
    assert new_value(authorised(body["token"])).status_code == 201
    chuo_officer.refresh_from_db()
    assert chuo_officer.last_login is not None
    assert AccessLog.objects.filter(username="chuo_officer", path_info=TOKEN).exists()


def test_an_expired_token_answers_401(chuo_officer, time_machine):
    token = obtain("chuo_officer").json()["token"]
    time_machine.move_to(timezone.now() + timedelta(hours=12, minutes=1))
    response = new_value(authorised(token))
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed" and "有効期限" in error["message"]
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(user=chuo_officer).exists()  # cleaned up
    # Reads stay public, but not with a dead token: the client must notice.
    assert authorised(token).get("/api/v1/wards/").status_code == 401


def test_the_lifetime_comes_from_the_settings(chuo_officer, settings, time_machine):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}
    token = obtain("chuo_officer").json()["token"]
    time_machine.move_to(timezone.now() + timedelta(minutes=59))
    assert authorised(token).get("/api/v1/wards/").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    assert authorised(token).get("/api/v1/wards/").status_code == 401


def test_no_token_for_an_account_without_a_role():
    get_user_model().objects.create_user("norole", password=PASSWORD, is_staff=True)
    response = obtain("norole")
    assert response.status_code == 403
    assert "役割" in response.json()["error"]["message"]
    assert not AuthToken.objects.exists()


def test_no_token_for_an_account_that_is_not_staff(chuo_officer):
    chuo_officer.is_staff = False
    chuo_officer.save()
    assert obtain("chuo_officer").status_code == 403


def test_no_token_for_an_inactive_account(chuo_officer):
    chuo_officer.is_active = False
    chuo_officer.save()
    assert obtain("chuo_officer").status_code == 400


def test_deactivating_an_account_revokes_its_tokens(chuo_officer):
    first, second = obtain("chuo_officer").json()["token"], obtain("chuo_officer").json()["token"]
    assert AuthToken.objects.filter(user=chuo_officer).count() == 2
    chuo_officer.is_active = False
    chuo_officer.save()
    assert not AuthToken.objects.filter(user=chuo_officer).exists()
    chuo_officer.is_active = True
    chuo_officer.save()  # reactivated: the old tokens stay dead
    for token in (first, second):
        assert new_value(authorised(token)).status_code == 401


def test_a_token_stops_working_when_the_role_is_taken_away(chuo_officer):
    token = obtain("chuo_officer").json()["token"]
    chuo_officer.groups.clear()
    response = new_value(authorised(token))
    assert response.status_code == 401
    assert "役割" in response.json()["error"]["message"]


def test_delete_revokes_the_token_sent(chuo_officer):
    token = obtain("chuo_officer").json()["token"]
    other = obtain("chuo_officer").json()["token"]
    assert authorised(token).delete(TOKEN).status_code == 204
    assert new_value(authorised(token)).status_code == 401
    assert new_value(authorised(other)).status_code == 201  # the other one lives on
    assert Client().delete(TOKEN).status_code == 401


def test_a_stale_token_does_not_block_a_new_login(chuo_officer):
    response = authorised("not-a-token").post(
        TOKEN, {"username": "chuo_officer", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Token \xe9\xe9", "Token " + "x" * 500, "Token ' OR 1=1"]
)
def test_malformed_tokens_answer_401_not_500(header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/wards/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


@pytest.mark.parametrize(
    "data", [{}, {"username": "x"}, {"username": ["a"], "password": {"b": 1}}, {"password": "x"}]
)
def test_bad_token_requests_are_400(data):
    response = Client().post(TOKEN, data, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_the_schema_documents_the_token_endpoint():
    schema = Client().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/auth/token/"]
    assert {"post", "delete"} <= set(operation)
    ok = operation["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/AuthToken")
    assert {"token", "expiry"} <= set(schema["components"]["schemas"]["AuthToken"]["properties"])
    assert {"400", "403", "429"} <= set(operation["post"]["responses"])
    assert set(operation["delete"]["responses"]) == {"204", "400", "401", "404", "429"}
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["name"] == "Authorization" and "expires" in scheme["description"]
