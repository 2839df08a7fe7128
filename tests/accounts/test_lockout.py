"""Lockout after repeated failed logins, at both doors: the admin login and the API token
endpoint. The eleventh attempt is refused even with the right password."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"


def admin_login(client, username, password, ip="192.0.2.10"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def token_login(client, username, password, ip="192.0.2.20", **headers):
    return client.post(
        TOKEN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
        **headers,
    )


def test_the_admin_refuses_the_right_password_after_ten_failures(planner):
    client = Client()
    for _attempt in range(10):
        response = admin_login(client, "planner", "wrong")
        assert response.status_code in (200, 429)
    refused = admin_login(client, "planner", PASSWORD)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "ログインを一時停止しています" in page and "15分後" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_nine_failures_still_let_the_right_password_in(planner):
    client = Client()
    for _attempt in range(9):
        assert admin_login(client, "planner", "wrong").status_code == 200
    assert admin_login(client, "planner", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_refuses_the_right_password_after_ten_failures(chuo_officer):
    client = Client()
    for _attempt in range(10):
        assert token_login(client, "chuo_officer", "wrong").status_code in (400, 429)
    refused = token_login(client, "chuo_officer", PASSWORD)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "locked_out" and "15分後" in error["message"]
    assert int(refused["Retry-After"]) == 15 * 60
    assert not chuo_officer.auth_token_set.exists()


def test_the_lockout_message_is_in_english_on_request(chuo_officer):
    client = Client()
    for _attempt in range(11):
        response = token_login(client, "chuo_officer", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.json()["error"]["message"]


def test_the_two_doors_count_together(chuo_officer):
    """Five wrong passwords on the admin and five on the API lock the account at both."""
    client = Client()
    for _attempt in range(5):
        admin_login(client, "chuo_officer", "wrong", ip="192.0.2.30")
        token_login(client, "chuo_officer", "wrong", ip="192.0.2.31")
    assert token_login(client, "chuo_officer", PASSWORD, ip="192.0.2.32").status_code == 429
    assert admin_login(client, "chuo_officer", PASSWORD, ip="192.0.2.33").status_code == 429


def test_ten_failures_of_one_colleague_do_not_lock_out_another_behind_the_same_proxy(
    planner, chuo_officer
):
    """Issue 18, item 9: the whole office reaches the app through one proxy address; ten
    typos of one account locked every account from that address (axes counted the address
    against the account's limit of ten)."""
    client = Client()
    for _attempt in range(10):
        admin_login(client, "chuo_officer", "wrong", ip="198.51.100.7")
    assert admin_login(Client(), "planner", PASSWORD, ip="198.51.100.7").status_code == 302
    token = token_login(Client(), "planner", PASSWORD, ip="198.51.100.7")
    assert token.status_code == 200
    # The tenth failure locked the account itself, at both doors and from anywhere.
    assert admin_login(Client(), "chuo_officer", PASSWORD, ip="198.51.100.7").status_code == 429
    assert token_login(Client(), "chuo_officer", PASSWORD, ip="192.0.2.99").status_code == 429


def test_the_tenth_failure_locks_the_account_with_the_account_message(planner):
    client = Client()
    for _attempt in range(9):
        assert admin_login(client, "planner", "wrong", ip="198.51.100.7").status_code == 200
    assert admin_login(client, "planner", "wrong", ip="198.51.100.7").status_code == 429
    refused = admin_login(Client(), "planner", PASSWORD, ip="198.51.100.7")
    assert refused.status_code == 429
    assert "ログインに続けて失敗したため" in refused.content.decode()


def test_one_address_trying_many_usernames_is_throttled_at_the_address_limit(planner):
    """Password spraying: 100 failures over many usernames from one address throttle that
    address (the account limit of ten never trips: ten tries per username)."""
    client = Client()
    for n in range(99):
        admin_login(client, f"guess{n // 9}", "wrong", ip="198.51.100.7")
    assert admin_login(Client(), "planner", PASSWORD, ip="198.51.100.7").status_code == 302
    admin_login(client, "guess99", "wrong", ip="198.51.100.7")

    refused = admin_login(Client(), "planner", PASSWORD, ip="198.51.100.7")
    assert refused.status_code == 429
    assert "この接続元からのログインの失敗が多すぎる" in refused.content.decode()
    api = token_login(Client(), "planner", PASSWORD, ip="198.51.100.7")
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "locked_out"
    assert "この接続元からのログインの失敗が多すぎる" in api.json()["error"]["message"]
    # The account itself is not locked: from elsewhere it signs in.
    assert admin_login(Client(), "planner", PASSWORD, ip="198.51.100.8").status_code == 302


def test_the_address_limit_comes_from_the_settings(planner, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    client = Client()
    for n in range(12):
        admin_login(client, f"guess{n}", "wrong", ip="198.51.100.9")
    assert admin_login(Client(), "planner", PASSWORD, ip="198.51.100.9").status_code == 429


def test_the_lockout_ends_after_the_cool_off(planner, time_machine):
    client = Client()
    for _attempt in range(10):
        admin_login(client, "planner", "wrong")
    assert admin_login(client, "planner", PASSWORD).status_code == 429
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    assert admin_login(client, "planner", PASSWORD).status_code == 302


def test_the_limit_comes_from_the_settings(planner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _attempt in range(3):
        admin_login(client, "planner", "wrong")
    assert admin_login(client, "planner", PASSWORD).status_code == 429


def test_failures_and_lockouts_are_logged_and_kept(planner, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="infrastructure.accounts"):
        for _attempt in range(10):
            admin_login(client, "planner", "wrong", ip="203.0.113.5")
    messages = [r.getMessage() for r in caplog.records if r.name == "infrastructure.accounts"]
    assert sum("login failed: username='planner' ip=203.0.113.5" in m for m in messages) == 10
    assert any("login locked out: username='planner' ip=203.0.113.5" in m for m in messages)
    assert not any(PASSWORD in m or "wrong" in m for m in messages)
    assert AccessFailureLog.objects.filter(username="planner").count() == 10
    assert AccessFailureLog.objects.filter(username="planner", locked_out=True).exists()
    assert AccessAttempt.objects.get(username="planner").failures_since_start == 10


def test_admins_see_lockouts_and_failed_logins_in_the_admin(city_admin, planner):
    for _attempt in range(10):
        admin_login(Client(), "planner", "wrong", ip="203.0.113.9")
    client = Client()
    client.force_login(city_admin)
    attempts = client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "203.0.113.9" in attempts.content.decode()
    failures = client.get("/admin/axes/accessfailurelog/")
    assert failures.status_code == 200 and "planner" in failures.content.decode()
    # A planner does not manage accounts.
    client.force_login(planner)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_kept_request_data_hides_passwords_and_codes(planner):
    Client().post(
        ADMIN_LOGIN,
        {"username": "planner", "password": "s3cret-guess", "otp_token": "123456"},
        REMOTE_ADDR="203.0.113.77",
    )
    kept = AccessAttempt.objects.get(ip_address="203.0.113.77").post_data
    assert "s3cret-guess" not in kept and "123456" not in kept
