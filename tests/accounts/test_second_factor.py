"""The optional second factor (TOTP). With REQUIRE_2FA a planner or admin without a verified
device cannot reach the admin; with the code of their device they can. Without REQUIRE_2FA
nothing changes for those who have no device."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def login(username, otp_token=""):
    client = Client()
    response = client.post(
        LOGIN,
        {"username": username, "password": PASSWORD, "otp_token": otp_token, "next": "/admin/"},
    )
    return client, response


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def test_with_require_2fa_a_planner_without_a_device_cannot_sign_in(required, planner):
    client, response = login("planner")
    assert response.status_code == 200
    assert "認証アプリが登録されていません" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_with_require_2fa_an_unverified_session_does_not_reach_the_admin(required, planner):
    client = Client()
    client.force_login(planner)  # a password-only session
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/admin/indicators/indicatorvalue/").status_code == 302


def test_with_require_2fa_the_code_of_the_device_lets_a_planner_in(required, planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    client, response = login("planner", otp_token=code_of(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/indicators/indicatorvalue/").status_code == 200


def test_a_wrong_code_is_refused(required, planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    client, response = login("planner", otp_token=wrong)
    assert response.status_code == 200 and "確認コードが正しくない" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_an_unconfirmed_device_does_not_count(required, planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=False)
    _client, response = login("planner", otp_token=code_of(device))
    assert "認証アプリが登録されていません" in response.content.decode()


def test_with_require_2fa_ward_officers_sign_in_with_a_password(required, chuo_officer):
    client, response = login("chuo_officer")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_without_require_2fa_nothing_changes_for_planners_without_a_device(planner):
    client, response = login("planner")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    force = Client()
    force.force_login(planner)
    assert force.get("/admin/").status_code == 200


def test_without_require_2fa_an_enrolled_device_is_still_asked_for(planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    _client, response = login("planner")
    assert response.status_code == 200 and "確認コード" in response.content.decode()
    _client, response = login("planner", otp_token=code_of(device))
    assert response.status_code == 302


def test_the_token_endpoint_asks_for_the_code_too(required, planner):
    url = "/api/v1/auth/token/"
    body = {"username": "planner", "password": PASSWORD}
    assert Client().post(url, body, content_type="application/json").status_code == 403
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    missing = Client().post(url, body, content_type="application/json")
    assert missing.status_code == 400 and "otp_token" in missing.json()["error"]["fields"]
    ok = Client().post(url, {**body, "otp_token": code_of(device)}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"]


def test_the_login_page_offers_the_code_field(client):
    page = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page


def test_enrol_totp_prints_the_setup_url(planner, capsys):
    call_command("enrol_totp", "planner")
    out = capsys.readouterr().out
    assert "otpauth://totp/kumamoto-welfare%3Aplanner?" in out or "otpauth://totp/" in out
    assert TOTPDevice.objects.get(user=planner).confirmed


def test_admins_manage_devices_in_the_admin(city_admin, planner):
    TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    client = Client()
    client.force_login(city_admin)
    page = client.get("/admin/otp_totp/totpdevice/")
    assert page.status_code == 200 and "phone" in page.content.decode()


def test_the_admin_shows_the_qr_code_to_scan(city_admin, planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=False)
    client = Client()
    client.force_login(city_admin)
    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg")


def test_with_require_2fa_an_unverified_session_cannot_write_through_the_api(required, planner):
    client = Client()
    client.force_login(planner)  # e.g. signed in before REQUIRE_2FA was turned on
    response = client.post("/api/v1/indicator-values/", {}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_with_require_2fa_a_verified_session_writes_through_the_api(required, planner):
    device = TOTPDevice.objects.create(user=planner, name="phone", confirmed=True)
    client, _response = login("planner", otp_token=code_of(device))
    response = client.post(
        "/api/v1/indicator-values/",
        {"indicator": "KPI-3-1", "fiscal_year": 2015, "kind": "actual", "value": "1000"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
