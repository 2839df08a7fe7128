"""Staff sessions end after 30 idle minutes and 12 hours after login at most (time travel,
no sleeping)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(planner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = Client()
    assert (
        client.post(
            "/admin/login/", {"username": "planner", "password": PASSWORD, "next": "/admin/"}
        ).status_code
        == 302
    )
    assert client.get("/admin/").status_code == 200
    return client


def later(time_machine, **delta):
    time_machine.shift(timedelta(**delta))


def test_a_session_ends_after_thirty_idle_minutes(signed_in, time_machine):
    later(time_machine, minutes=29)
    assert signed_in.get("/admin/").status_code == 200
    later(time_machine, minutes=31)
    response = signed_in.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    page = signed_in.get(response["Location"]).content.decode()
    assert "一定時間操作がなかったため" in page


def test_activity_keeps_it_alive_but_twelve_hours_is_the_most(signed_in, time_machine):
    for _step in range(35):  # every 20 minutes for 11 hours 40 minutes
        later(time_machine, minutes=20)
        assert signed_in.get("/admin/").status_code == 200
    later(time_machine, minutes=19)
    assert signed_in.get("/admin/").status_code == 200  # 11 h 59 min after login
    later(time_machine, minutes=2)
    response = signed_in.get("/admin/")
    assert response.status_code == 302
    assert "ログインから時間が経ったため" in signed_in.get(response["Location"]).content.decode()


def test_the_limits_come_from_the_settings(signed_in, time_machine, settings):
    settings.SESSION_IDLE_MINUTES = 5
    later(time_machine, minutes=6)
    assert signed_in.get("/admin/").status_code == 302


def test_the_session_cookie_never_outlives_the_absolute_limit(signed_in, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert signed_in.session.get_expiry_age() <= 12 * 60 * 60


def test_an_api_session_ends_the_same_way(signed_in, time_machine):
    later(time_machine, minutes=31)
    response = signed_in.post("/api/v1/indicator-values/", {}, content_type="application/json")
    assert response.status_code == 401  # no longer signed in
