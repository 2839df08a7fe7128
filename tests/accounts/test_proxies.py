"""The anonymous throttle and the lockout count by the client's real address: with
NUM_PROXIES=0 (the default) X-Forwarded-For is ignored, so rotating it escapes nothing."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.throttling import AnonRateThrottle

from infrastructure.accounts.lockout import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_the_default_trusts_no_proxy(settings):
    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_rotating_x_forwarded_for_does_not_escape_the_throttle(three_a_minute):
    client = Client(REMOTE_ADDR="192.0.2.50")
    codes = [
        client.get("/api/v1/wards/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_behind_one_proxy_the_address_it_saw_counts(three_a_minute, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    # The client forges a first entry; the proxy appends the address it really saw.
    codes = [
        proxy.get("/api/v1/wards/", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.4").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other = proxy.get("/api/v1/wards/", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert other.status_code == 200


def test_the_lockout_sees_the_same_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )
    assert client_ip(request) == "198.51.100.4"
