"""The public pages' HTML cache (infrastructure.response_cache): per language and query,
for anonymous readers only, invalidated by the same data generation as the API's summaries."""

from decimal import Decimal

import pytest

from indicators.choices import ValueKind
from indicators.models import Indicator
from indicators.services import indicator_value_create
from infrastructure.workflow import Transition, record_transition
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_anonymous_page_is_served_from_the_cache_with_fresh_headers(client):
    first = client.get("/indicators/KPI-1-1/")
    assert first.status_code == 200 and first["X-Response-Cache"] == "miss"
    assert not first.cookies, "a public page sets no cookie (no CSRF token in it)"
    second = client.get("/indicators/KPI-1-1/")
    assert second["X-Response-Cache"] == "hit"
    assert second.content == first.content
    # The middleware still runs on a cached copy: CSP and the other security headers.
    assert "script-src" in second["Content-Security-Policy"]
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Content-Language"] == "ja"
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]


def test_each_fiscal_year_is_its_own_page(client):
    assert client.get("/?fiscal_year=2010")["X-Response-Cache"] == "miss"
    assert client.get("/?fiscal_year=2008")["X-Response-Cache"] == "miss"
    assert client.get("/?fiscal_year=2010")["X-Response-Cache"] == "hit"


def test_an_approval_invalidates_the_cached_page(client, planner, settings):
    settings.ALLOW_SELF_APPROVAL = True  # one person here (four eyes: test_department_reporting)
    url = "/indicators/KPI-1-1/"
    before = client.get(url).content.decode()
    assert client.get(url)["X-Response-Cache"] == "hit"
    record = indicator_value_create(
        user=planner,
        indicator=Indicator.objects.get(code="KPI-1-1"),
        fiscal_year=2019,
        kind=ValueKind.ACTUAL,
        value=Decimal("12.34"),
        note="テスト用の値",  # far from the plan's own figure: a reason (plausibility rule)
    )
    record = record_transition(record=record, transition=Transition.SUBMIT, user=planner)
    # Only the approval makes the figure public; every save moves the generation on anyway.
    stale = client.get(url)
    assert "12.34" not in stale.content.decode()
    record_transition(record=record, transition=Transition.APPROVE, user=planner)
    after = client.get(url)
    assert after["X-Response-Cache"] == "miss"
    assert "12.34" in after.content.decode() and "12.34" not in before


def test_staff_never_get_nor_fill_the_public_copy(client, planner):
    client.get("/")  # an anonymous copy is cached
    assert client.login(username=planner.username, password=PASSWORD)
    staff = client.get("/")
    assert staff.status_code == 200 and "X-Response-Cache" not in staff
    client.logout()
    assert client.get("/")["X-Response-Cache"] == "hit"


def test_english_and_japanese_are_cached_apart(client):
    ja = client.get("/")
    en = client.get("/", headers={"accept-language": "en"})
    assert en["X-Response-Cache"] == "miss"
    assert '<html lang="ja">' in ja.content.decode()
    assert '<html lang="en">' in en.content.decode()
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="ja">' in client.get("/").content.decode()


def test_the_language_switch_needs_no_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in strict.get("/").content.decode()


def test_a_lost_generation_never_brings_old_copies_back(client):
    """A full cache evicts keys, the generation's among them: counting again must not meet
    the entries stored under an earlier count."""
    from django.core.cache import cache

    from infrastructure.response_cache import GENERATION_KEY, bump_generation

    url = "/indicators/KPI-1-1/"
    cache.set(GENERATION_KEY, 1, timeout=None)  # a count that started at 1
    client.get(url)  # stored under generation 1
    bump_generation()  # the data changed: generation 2
    cache.delete(GENERATION_KEY)  # evicted
    assert client.get(url)["X-Response-Cache"] == "miss", "generation 1's copy came back"
    cache.set(GENERATION_KEY, 1, timeout=None)
    client.get(url)
    cache.delete(GENERATION_KEY)
    bump_generation()  # a bump that finds no number starts a new count too
    assert client.get(url)["X-Response-Cache"] == "miss"
