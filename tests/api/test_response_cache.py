"""The API's public reads answered from the anonymous response cache
(infrastructure.response_cache, the pages' cache too): the same bytes and headers as the
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
from infrastructure.response_cache import MARKER, bump_generation
from infrastructure.workflow import Transition, record_transition
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
        note="テスト用の値",  # far from the plan's own figure: a reason (plausibility rule)
    )
    record = record_transition(record=record, transition=Transition.SUBMIT, user=planner)
    return record_transition(record=record, transition=Transition.APPROVE, user=planner)


def test_an_approval_invalidates_the_cached_answers(planner, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
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


# --- The early middleware (response_cache.EarlyResponseCacheMiddleware) ----------------------

EARLY = "infrastructure.response_cache.EarlyResponseCacheMiddleware"


def _without_early(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != EARLY]


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/indicators/", {"HTTP_ACCEPT_LANGUAGE": "ja"}),
        ("/api/v1/indicators/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("/api/v1/indicators/?format=csv", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("/api/v1/indicators/KPI-1-1/", {"HTTP_ACCEPT": "text/csv"}),
        (DASHBOARD, {"HTTP_ACCEPT_LANGUAGE": "ja"}),
        (DASHBOARD, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}),
        ("/api/v1/pillars/1/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("/", {"HTTP_ACCEPT_LANGUAGE": "ja"}),
        ("/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ("/pillars/1/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ],
)
def test_an_early_hit_is_the_normal_paths_answer_byte_for_byte(settings, path, extra):
    reader = anonymous()
    first = reader.get(path, **extra)
    assert first.status_code == 200 and first[MARKER] == "miss"
    early = reader.get(path, **extra)
    assert early[MARKER] == "hit"
    # Proof that it came early: nothing below the early middleware ran (no session, no user).
    assert not hasattr(early.wsgi_request, "session")
    assert not hasattr(early.wsgi_request, "user")
    _without_early(settings)
    normal = anonymous().get(path, **extra)  # a new client: one with the new MIDDLEWARE
    assert normal[MARKER] == "hit" and hasattr(normal.wsgi_request, "user")
    assert early.content == normal.content == first.content
    assert headers(early) == headers(normal)
    for name in (
        "Content-Security-Policy",
        "Vary",
        "Content-Language",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Content-Type",
        "Content-Length",
    ):
        assert early[name] == normal[name], name
    assert early["X-Request-ID"] and early["X-Request-ID"] != normal["X-Request-ID"]


def test_the_early_key_holds_the_language_as_the_locale_middleware_chooses_it(settings):
    reader = anonymous()
    reader.get("/api/v1/pillars/1/", HTTP_ACCEPT_LANGUAGE="en")
    # Another spelling of English: the same language, the same copy.
    again = reader.get("/api/v1/pillars/1/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert again[MARKER] == "hit" and again["Content-Language"] == "en"
    assert not hasattr(again.wsgi_request, "user")
    # The language cookie wins over the header, as on the normal path.
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    ja = reader.get("/api/v1/pillars/1/", HTTP_ACCEPT_LANGUAGE="en")
    assert ja["Content-Language"] == "ja"


def test_a_session_cookie_takes_the_normal_path(chuo_draft, chuo_officer):
    reader = anonymous()
    reader.get("/api/v1/indicators/")
    assert not hasattr(reader.get("/api/v1/indicators/").wsgi_request, "user")  # early
    officer = Client(REMOTE_ADDR="192.0.2.93")
    officer.login(username=chuo_officer.username, password=PASSWORD)
    answer = officer.get("/api/v1/indicators/")
    assert answer.status_code == 200 and MARKER not in answer
    assert answer.wsgi_request.user == chuo_officer
    # Even a session cookie of no one takes the normal path.
    stray = anonymous()
    stray.cookies["sessionid"] = "not-a-session"
    assert hasattr(stray.get("/api/v1/indicators/").wsgi_request, "user")


def test_the_throttle_trips_on_early_hits_with_drfs_own_count(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    Client(REMOTE_ADDR="192.0.2.80").get("/api/v1/indicators/")  # kept, early too
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    reader = Client(REMOTE_ADDR="192.0.2.81")
    # One request through DRF (another URL, not yet kept) and two early hits: one count.
    assert reader.get("/api/v1/pillars/").status_code == 200
    early = [reader.get("/api/v1/indicators/") for _ in range(2)]
    assert [r.status_code for r in early] == [200, 200]
    assert all(not hasattr(r.wsgi_request, "user") for r in early)
    refused = reader.get("/api/v1/indicators/")
    assert refused.status_code == 429 and MARKER not in refused
    assert "Retry-After" in refused
    # Another address has its own count.
    assert Client(REMOTE_ADDR="192.0.2.82").get("/api/v1/indicators/").status_code == 200


def test_conditional_and_cors_requests_take_the_normal_path():
    reader = anonymous()
    etag = reader.get(DASHBOARD)["ETag"]
    assert reader.get(DASHBOARD)[MARKER] == "hit"
    again = reader.get(DASHBOARD, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and hasattr(again.wsgi_request, "user")
    cors = reader.get(DASHBOARD, HTTP_ORIGIN="https://example.org")
    assert cors.status_code == 200 and hasattr(cors.wsgi_request, "user")


def test_a_new_generation_is_missed_early_too():
    reader = anonymous()
    reader.get("/api/v1/sections/")
    assert not hasattr(reader.get("/api/v1/sections/").wsgi_request, "user")
    bump_generation()
    fresh = reader.get("/api/v1/sections/")
    assert fresh[MARKER] == "miss" and hasattr(fresh.wsgi_request, "user")


def test_the_views_and_the_early_middleware_key_their_copies_one_way(monkeypatch):
    """Reproduces the key built twice (the views' ``cache_key`` and the early middleware's
    ``_key`` each hashed the scheme, host, path and sorted query): both go through
    ``response_key``, the doors passing only what differs (language, renderer, Accept)."""
    from infrastructure import response_cache

    prefixes = []
    real = response_cache.response_key

    def spy(prefix, request, *variant, **kwargs):
        prefixes.append(prefix)
        return real(prefix, request, *variant, **kwargs)

    monkeypatch.setattr(response_cache, "response_key", spy)
    reader = anonymous()
    assert reader.get("/api/v1/pillars/?b=2&a=1")[MARKER] == "miss"
    assert set(prefixes) == {response_cache.RESPONSE_KEY, response_cache.EARLY_KEY}
    # The query's order does not matter to the early copy either.
    assert reader.get("/api/v1/pillars/?a=1&b=2")[MARKER] == "hit"
