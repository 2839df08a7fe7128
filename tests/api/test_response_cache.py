"""The API's public reads answered from the anonymous response cache
(kumamoto_welfare.response_cache, the pages' cache too): the same bytes and headers as the
view's own answer, per language and format; a new generation (an approval) invalidates; staff
are never served from it and never fill it."""

import itertools
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from community.models import Ward
from indicators.choices import ValueKind
from indicators.models import Indicator
from indicators.services import indicator_value_create
from kumamoto_welfare.response_cache import MARKER, bump_generation
from kumamoto_welfare.workflow import Transition, record_transition
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/?fiscal_year=2019"
# Headers that differ between any two requests, cached or not.
PER_REQUEST = {MARKER, "X-Request-ID"}


_addresses = itertools.count(1)


def anonymous() -> APIClient:
    """An anonymous client from an address of its own: these tests ask a lot, and the
    throttle's history of one address would trip the tests after them."""
    n = next(_addresses)
    return APIClient(REMOTE_ADDR=f"198.51.{100 + n // 250}.{n % 250 + 1}")


def headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/api/v1/indicators/", "ja"),
        ("/api/v1/indicators/", "en"),
        ("/api/v1/indicators/?format=csv", "ja"),
        ("/api/v1/indicators/?format=csv", "en"),
        ("/api/v1/indicators/?fiscal_year=2015&format=csv&encoding=cp932", "ja"),
        ("/api/v1/indicators/KPI-1-1/", "ja"),
        ("/api/v1/indicators/KPI-1-1/?fiscal_year=2016", "en"),
        ("/api/v1/indicators/KPI-1-1/series/", "ja"),
        ("/api/v1/indicators/KPI-1-1/targets/", "en"),
        (DASHBOARD, "ja"),
        (DASHBOARD, "en"),
        ("/api/v1/dashboard/?fiscal_year=2019&format=csv", "ja"),
        ("/api/v1/pillars/", "ja"),
        ("/api/v1/pillars/1/", "en"),
        ("/api/v1/sections/?pillar__number=1", "ja"),
        ("/api/v1/initiatives/", "ja"),
    ],
)
def test_a_cached_answer_is_the_views_own_byte_for_byte(path, language):
    reader = anonymous()
    first = reader.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert first.status_code == 200, first.content
    assert first[MARKER] == "miss"
    second = reader.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert second[MARKER] == "hit"
    assert second.content == first.content
    assert headers(second) == headers(first)
    # What matters of them, present on both.
    for name in ("Content-Type", "Vary", "ETag", "Content-Language", "Content-Security-Policy"):
        assert second[name] == first[name], name
    assert second["Content-Language"] == language
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in second["Vary"].split(",")}


def test_the_same_path_is_cached_apart_per_language_and_format():
    reader = anonymous()
    url = "/api/v1/indicators/KPI-1-1/"
    ja = reader.get(url).json()
    en = reader.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert en[MARKER] == "miss"
    assert en.json()["unit_label"] != ja["unit_label"] or (
        en.json()["direction_label"] != ja["direction_label"]
    )
    csv = reader.get(url + "?format=csv")
    assert csv[MARKER] == "miss" and csv["Content-Type"].startswith("text/csv")
    assert reader.get(url, HTTP_ACCEPT="text/csv")["Content-Type"].startswith("text/csv")
    assert reader.get(url)["Content-Type"] == "application/json"
    # The query's order does not matter; its content does.
    reader.get("/api/v1/indicators/?fiscal_year=2016&ordering=code")
    same = reader.get("/api/v1/indicators/?ordering=code&fiscal_year=2016")
    assert same[MARKER] == "hit"
    assert reader.get("/api/v1/indicators/?ordering=code&fiscal_year=2017")[MARKER] == "miss"


def test_a_conditional_get_of_a_cached_answer_is_not_modified():
    reader = anonymous()
    etag = reader.get(DASHBOARD)["ETag"]
    again = reader.get(DASHBOARD, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def _approve_actual(planner, value: str):
    record = indicator_value_create(
        user=planner,
        indicator=Indicator.objects.get(code="KPI-1-1"),
        fiscal_year=2019,
        kind=ValueKind.ACTUAL,
        value=Decimal(value),
    )
    record = record_transition(record=record, transition=Transition.SUBMIT, user=planner)
    return record_transition(record=record, transition=Transition.APPROVE, user=planner)


def test_an_approval_invalidates_the_cached_answers(planner):
    reader = anonymous()
    detail = "/api/v1/indicators/KPI-1-1/?fiscal_year=2019"
    listing = "/api/v1/indicators/?fiscal_year=2019"
    before = reader.get(detail).json()
    reader.get(listing)
    assert reader.get(detail)[MARKER] == "hit" and reader.get(listing)[MARKER] == "hit"
    assert before["latest_actual"]["value"] != "12.34"

    _approve_actual(planner, "12.34")

    after = reader.get(detail)
    assert after[MARKER] == "miss"
    assert after.json()["latest_actual"] == {
        "fiscal_year": 2019,
        "fiscal_year_label": after.json()["latest_actual"]["fiscal_year_label"],
        "value": "12.34",
    }
    listed = reader.get(listing)
    assert listed[MARKER] == "miss"
    kpi = next(row for row in listed.json() if row["code"] == "KPI-1-1")
    assert kpi["latest_actual"]["value"] == "12.34"


def _chuo_row(response) -> dict:
    return next(row for row in response.json()["wards"] if row["ward"] == "中央区")


@pytest.fixture
def chuo_draft(chuo_officer):
    """A draft actual of 中央区 for FY2019: its officer counts it, the public does not."""
    return indicator_value_create(
        user=chuo_officer,
        indicator=Indicator.objects.get(code="KPI-1-1"),
        ward=Ward.objects.get(code="chuo"),
        fiscal_year=2019,
        kind=ValueKind.ACTUAL,
        value=Decimal("50"),
    )


def test_a_ward_officer_neither_gets_nor_fills_the_anonymous_copy(chuo_draft, chuo):
    # The officer first: what they see must not be stored for the public.
    own = chuo.get(DASHBOARD)
    assert own.status_code == 200 and MARKER not in own
    assert _chuo_row(own)["indicator_values"]["draft"] == 1
    public = anonymous().get(DASHBOARD)
    assert public[MARKER] == "miss", "the officer's answer was not stored"
    assert "draft" not in _chuo_row(public)["indicator_values"]
    # Then the public copy is cached, and the officer still does not get it.
    assert anonymous().get(DASHBOARD)[MARKER] == "hit"
    again = chuo.get(DASHBOARD)
    assert MARKER not in again
    assert _chuo_row(again)["indicator_values"]["draft"] == 1
    assert anonymous().get(DASHBOARD).content == public.content


def test_a_signed_in_session_is_not_served_from_the_anonymous_cache(chuo_draft, chuo_officer):
    assert anonymous().get(DASHBOARD)[MARKER] == "miss"
    browser = Client(REMOTE_ADDR="192.0.2.90")
    assert browser.login(username=chuo_officer.username, password=PASSWORD)
    own = browser.get(DASHBOARD)
    assert own.status_code == 200 and MARKER not in own
    assert _chuo_row(own)["indicator_values"]["draft"] == 1
    browser.logout()
    assert browser.get(DASHBOARD)[MARKER] == "hit"


def test_a_request_with_an_authorization_header_is_never_cached():
    anonymous().get("/api/v1/indicators/")  # an anonymous copy is stored
    # A scheme the API does not know: DRF answers as to anyone, but it is not the public's.
    odd = Client(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==", REMOTE_ADDR="192.0.2.91")
    answer = odd.get("/api/v1/indicators/")
    assert answer.status_code == 200 and MARKER not in answer
    assert anonymous().get("/api/v1/indicators/")[MARKER] == "hit"


def test_the_throttle_still_counts_cached_answers(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    reader = Client(REMOTE_ADDR="192.0.2.77")
    reader.get("/api/v1/indicators/")  # stored, outside the throttle's new rate
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    other = Client(REMOTE_ADDR="192.0.2.78")
    codes = [other.get("/api/v1/indicators/") for _ in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert codes[0][MARKER] == "hit"
    assert MARKER not in codes[2]


def test_errors_are_not_cached():
    reader = anonymous()
    for _ in range(2):
        bad = reader.get("/api/v1/dashboard/?fiscal_year=nonsense")
        assert bad.status_code == 400 and MARKER not in bad
        missing = reader.get("/api/v1/indicators/KPI-404/")
        assert missing.status_code == 404 and MARKER not in missing


def test_a_new_generation_is_a_new_copy():
    reader = anonymous()
    reader.get("/api/v1/pillars/")
    assert reader.get("/api/v1/pillars/")[MARKER] == "hit"
    bump_generation()
    assert reader.get("/api/v1/pillars/")[MARKER] == "miss"
