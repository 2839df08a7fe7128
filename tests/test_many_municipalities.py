"""Issue 22: two municipalities in one database, each under its own code.

The session's database holds the shipped plan (its municipality, 431001); the fictional 架空市
(tests/fixtures/plans/kaku-city/, 991007) is loaded beside it. Each serves its own site, API,
open data and admin under /<code>/; staff of one find nothing of the other's, at any door;
with one municipality loaded nothing changes (the rest of the suite)."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

from community.access import Role
from community.models import Municipality, Ward
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue, RatingRule
from infrastructure import policy, tenancy
from infrastructure.row_security import ROLE_FOR_TESTS
from infrastructure.workflow import Status
from portal.models import SentMail
from portal.notifications import MailRun, send_once
from tests.api.conftest import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

KAKU = Path(__file__).parent / "fixtures" / "plans" / "kaku-city"
HOME, OTHER = "431001", "991007"
YEAR = 2025
# What only the shipped municipality's data says, and only the other's.
HOME_WORDS = ("熊本", "中央区", "Kumamoto")
OTHER_WORDS = ("架空市", "あさひ区", "Kaku City")


@pytest.fixture
def two_cities(db):
    call_command("load_plan", str(KAKU), verbosity=0)
    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    # A draft of each: neither municipality's staff may see the other's, nor may the public.
    drafts = {}
    for municipality, ward in ((home, "中央区"), (other, "あさひ区")):
        indicator = Indicator.objects.filter(plan__municipality=municipality).first()
        drafts[municipality.code] = IndicatorValue.objects.create(
            indicator=indicator,
            ward=Ward.objects.get(municipality=municipality, name=ward),
            fiscal_year=YEAR,
            kind="actual",
            value=12,
            status=Status.DRAFT,
        )
    return drafts


@pytest.fixture
def other_planner(two_cities):
    return staff_create(
        username="kaku_planner",
        role=Role.PLANNER,
        password=PASSWORD,
        municipality=Municipality.objects.get(code=OTHER),
    )


@pytest.fixture
def home_planner(two_cities):
    return staff_create(
        username="home_planner",
        role=Role.PLANNER,
        password=PASSWORD,
        municipality=Municipality.objects.get(code=HOME),
    )


def text(response) -> str:
    return response.content.decode()


def test_the_root_lists_the_municipalities_and_each_site_lives_under_its_code(two_cities):
    client = Client()
    root = client.get("/")
    assert root.status_code == 200
    assert f'href="/{HOME}/"' in text(root) and f'href="/{OTHER}/"' in text(root)

    home, other = client.get(f"/{HOME}/"), client.get(f"/{OTHER}/")
    assert home.status_code == other.status_code == 200
    assert "熊本" in text(home) and not any(w in text(home) for w in OTHER_WORDS)
    assert "架空市" in text(other) and not any(w in text(other) for w in HOME_WORDS)
    # Every link the site makes carries its code (the script prefix), the files do not.
    assert f'href="/{OTHER}/pillars/1/"' in text(other)
    assert 'href="/static/' in text(other)
    # A page outside every municipality's site is not found.
    assert client.get("/pillars/1/").status_code == 404
    assert client.get("/999999/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "api/v1/municipality/",
        "api/v1/wards/",
        "api/v1/indicators/",
        "api/v1/indicator-values/",
        "api/v1/pillars/",
        "api/v1/dashboard/",
        "api/v1/community-resources/",
        "api/v1/volunteer-programs/",
        "opendata/",
        "consult/",
    ],
)
def test_each_municipalitys_api_and_open_data_hold_its_own_rows_only(two_cities, path):
    client = client_for()
    home, other = client.get(f"/{HOME}/{path}"), client.get(f"/{OTHER}/{path}")
    assert home.status_code == other.status_code == 200, (home.content[:200], other.content)
    assert not any(word in text(other) for word in HOME_WORDS), path
    assert not any(word in text(home) for word in OTHER_WORDS), path


def test_staff_of_one_municipality_find_nothing_of_the_others(
    two_cities, other_planner, home_planner
):
    home_draft, other_draft = two_cities[HOME], two_cities[OTHER]
    planner = client_for(other_planner)
    url = "api/v1/indicator-values/"

    # In its own site the planner sees its own draft, never the other's (by list or id).
    own = planner.get(f"/{OTHER}/{url}", {"status": "draft"}).json()
    ids = {row["id"] for row in own["results"]}
    assert other_draft.pk in ids and home_draft.pk not in ids
    assert planner.get(f"/{OTHER}/{url}{home_draft.pk}/").status_code == 404
    # In the other's site the planner is one of the public: no draft, no approval.
    assert planner.get(f"/{HOME}/{url}{home_draft.pk}/").status_code in (401, 404)
    submitted = planner.post(f"/{HOME}/{url}{home_draft.pk}/submit/", {}, format="json")
    assert submitted.status_code in (401, 403, 404)
    home_draft.refresh_from_db()
    assert home_draft.status == Status.DRAFT

    # The admin: the other's records are not there.
    browser = Client()
    browser.force_login(other_planner)
    changelist = browser.get(f"/{OTHER}/admin/indicators/indicatorvalue/")
    assert changelist.status_code == 200
    assert not any(word in text(changelist) for word in HOME_WORDS)
    record = browser.get(f"/{OTHER}/admin/indicators/indicatorvalue/{home_draft.pk}/change/")
    assert record.status_code in (302, 403, 404)
    elsewhere = browser.get(f"/{HOME}/admin/indicators/indicatorvalue/{home_draft.pk}/change/")
    assert elsewhere.status_code in (302, 403, 404)

    # The home planner, in the home site, has the home draft.
    assert client_for(home_planner).get(f"/{HOME}/{url}{home_draft.pk}/").status_code == 200


def test_the_policy_refuses_a_row_of_another_municipality(two_cities, other_planner):
    home_draft = two_cities[HOME]
    other = Municipality.objects.get(code=OTHER)
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
        assert policy.denial(other_planner, "view", home_draft) == "他の自治体の記録です。"
        assert not IndicatorValue.objects.filter(pk=home_draft.pk).exists()
        assert not policy.restrict(IndicatorValue.objects.all(), other_planner).filter(
            pk=home_draft.pk
        )
    # Outside any request the planner still works on their own municipality's rows only.
    assert not policy.restrict(IndicatorValue.objects.all(), other_planner).filter(pk=home_draft.pk)


def test_a_new_record_names_its_own_municipalitys_indicator(two_cities, other_planner):
    home_indicator = two_cities[HOME].indicator
    created = client_for(other_planner).post(
        f"/{OTHER}/api/v1/indicator-values/",
        {"indicator": home_indicator.code, "fiscal_year": YEAR, "kind": "actual", "value": "1"},
        format="json",
    )
    # The code names the planner's own municipality's indicator, if it has one by that code.
    assert not IndicatorValue.objects.filter(
        indicator=home_indicator, ward=None, fiscal_year=YEAR, kind="actual"
    ).exists()
    if created.status_code == 201:
        record = IndicatorValue.objects.get(pk=created.json()["id"])
        assert record.indicator.plan.municipality.code == OTHER
    else:
        assert created.status_code == 400, created.content


ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="row-level security is PostgreSQL's (SQLite serves one city)"
)
def test_row_security_hides_the_other_municipality_from_a_raw_query(two_cities):
    """Item 5: a query that forgot the filter (raw SQL, past every manager and the policy)
    sees nothing of another municipality once the work's tenant is set. The suite connects
    as a superuser, whom PostgreSQL's policies never bind: the query runs as a role they do."""
    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    values_of_home = (
        "SELECT count(*) FROM indicators_indicatorvalue v"
        " JOIN indicators_indicator i ON i.id = v.indicator_id"
        " JOIN programs_plan p ON p.id = i.plan_id WHERE p.municipality_id = %s"
    )
    wards_of_home = "SELECT count(*) FROM community_ward WHERE municipality_id = %s"

    def count(cursor, sql, *params) -> int:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE_FOR_TESTS}")
        try:
            # No tenant set: the whole installation, as one municipality installed is.
            assert count(cursor, values_of_home, home.pk) > 0
            assert count(cursor, wards_of_home, home.pk) == 5
            with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
                assert count(cursor, values_of_home, home.pk) == 0
                assert count(cursor, wards_of_home, home.pk) == 0
                assert count(cursor, "SELECT count(*) FROM community_municipality") == 1
                assert count(cursor, values_of_home, other.pk) == (
                    IndicatorValue.objects.filter(indicator__plan__municipality=other).count()
                )
            with tenancy.activated(tenancy.Tenant(home.pk, home.code)):
                assert count(cursor, wards_of_home, home.pk) == 5
        finally:
            cursor.execute("RESET ROLE")


def test_across_municipalities_each_indicator_is_judged_by_its_own_municipalitys_rule(
    two_cities,
):
    """The prefecture's view judges every municipality's indicators in one go: each by the
    rule its own municipality uses, as its own pages do."""
    from indicators.selectors import active_rules, progress_by_indicator

    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    RatingRule.objects.filter(municipality=other).update(is_active=False)
    RatingRule.objects.filter(municipality=other, name="statcan").update(is_active=True)
    assert {rule.name for rule in active_rules().values()} == {"pace", "statcan"}

    indicators = list(Indicator.objects.filter(plan__municipality__in=[home, other]))
    across = progress_by_indicator(indicators, up_to=YEAR)
    for municipality in (home, other):
        with tenancy.activated(tenancy.Tenant(municipality.pk, municipality.code)):
            own = [i for i in indicators if i.plan.municipality_id == municipality.pk]
            within = progress_by_indicator(own, up_to=YEAR)
        for indicator in own:
            assert across[indicator.pk] == within[indicator.pk], indicator.code


def test_a_stored_report_is_kept_under_its_municipalitys_code(two_cities):
    from programs.models import AnnualReport, report_file_path

    other = Municipality.objects.get(code=OTHER)
    report = AnnualReport(municipality=other, fiscal_year=YEAR)
    assert report_file_path(report, "evaluation-2025.pdf") == f"reports/{OTHER}/evaluation-2025.pdf"
    assert report_file_path(AnnualReport(fiscal_year=YEAR), "a.pdf") == "reports/a.pdf"


def test_sample_data_gives_each_municipalitys_indicators_its_own_wards_only(two_cities):
    from django.db.models import F

    from indicators.demo import demo_data_load

    assert demo_data_load().created > 0
    by_ward = IndicatorValue.objects.exclude(ward=None)
    assert by_ward.filter(indicator__plan__municipality__code=OTHER).exists()
    assert not by_ward.exclude(ward__municipality_id=F("indicator__plan__municipality_id"))


@pytest.fixture
def prefecture_staff(two_cities):
    return staff_create(
        username="pref_staff", role=Role.PREFECTURE, password=PASSWORD, prefecture_code=OTHER[:2]
    )


def test_a_prefectures_staff_read_approved_data_and_write_nothing(two_cities, prefecture_staff):
    other_draft = two_cities[OTHER]
    profile = prefecture_staff.staff_profile
    assert (profile.prefecture_code, profile.municipality) == (OTHER[:2], None)
    api = client_for(prefecture_staff)  # a token: the role is a staff role
    assert api.get(f"/pref/{OTHER[:2]}/").status_code == 200
    assert api.get(f"/api/v1/pref/{OTHER[:2]}/").status_code == 200
    # In the prefecture's municipality's site: what the public reads, no draft, no writing.
    values = api.get(f"/{OTHER}/api/v1/indicator-values/").json()["results"]
    assert values and all(row["status"] == "approved" for row in values)
    assert api.get(f"/{OTHER}/api/v1/indicator-values/{other_draft.pk}/").status_code in (
        401,
        403,
        404,
    )
    created = api.post(
        f"/{OTHER}/api/v1/indicator-values/",
        {"indicator": other_draft.indicator.code, "fiscal_year": YEAR, "kind": "actual"}
        | {"value": "1"},
        format="json",
    )
    assert created.status_code == 403
    # The admin: the approved figures to read, not the draft, nothing to add or change.
    browser = Client()
    browser.force_login(prefecture_staff)
    admin = f"/{OTHER}/admin/indicators/indicatorvalue/"
    assert browser.get(admin).status_code == 200
    assert browser.get(f"{admin}{other_draft.pk}/change/").status_code in (302, 403, 404)
    assert browser.get(f"{admin}add/").status_code == 403


def test_a_prefectures_staff_account_names_its_prefecture_and_no_municipality(two_cities):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # the prefecture is required
        staff_create(username="p1", role=Role.PREFECTURE, password=PASSWORD)
    with pytest.raises(ValidationError):  # a prefecture's code is two digits
        staff_create(username="p2", role=Role.PREFECTURE, password=PASSWORD, prefecture_code="4")
    with pytest.raises(ValidationError):  # not a planner's
        staff_create(username="p3", role=Role.PLANNER, password=PASSWORD, prefecture_code="43")


HINATA = Path(__file__).parent / "fixtures" / "plans" / "hinata-town"
TOWN = "993018"


@pytest.mark.parametrize(
    "path",
    ["", "pillars/1/", "api/v1/dashboard/", "api/v1/municipality/", "opendata/", "reports/2025/"],
)
def test_a_town_without_wards_serves_its_own_site_beside_the_city(db, path):
    """The issue's first test: the shipped city's plan and a ward-less town's, in one
    database, each under its code."""
    call_command("load_plan", str(HINATA), verbosity=0)
    client = client_for()
    # Each one's report of a year of its own plan.
    town, city = client.get(f"/{TOWN}/{path}"), client.get(f"/{HOME}/" + path.replace("25", "15"))
    assert town.status_code == city.status_code == 200, (path, town.status_code)
    assert not any(word in text(town) for word in HOME_WORDS)
    assert "ひなた町" not in text(city)
    if path != "api/v1/dashboard/":  # the dashboard names no municipality
        assert "ひなた町" in text(town) and "熊本" in text(city)


def test_a_municipality_with_a_host_of_its_own_is_served_at_its_root(two_cities, settings):
    settings.MUNICIPALITY_HOSTS = {"fukushi.kaku.example.jp": OTHER}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "fukushi.kaku.example.jp"]
    client = Client(HTTP_HOST="fukushi.kaku.example.jp")
    home = client.get("/")
    assert home.status_code == 200
    assert "架空市" in text(home) and not any(word in text(home) for word in HOME_WORDS)
    assert 'href="/pillars/1/"' in text(home)  # at the root: no code in the links
    api = client.get("/api/v1/municipality/")
    assert api.status_code == 200 and api.json()["municipality_code"] == OTHER
    # Its host is its site alone; every municipality stays under its code on other hosts.
    assert client.get(f"/{HOME}/").status_code == 404
    assert "架空市" in text(Client().get(f"/{OTHER}/"))


# --- The notification mails sent (portal.SentMail) ---------------------------------------


def mailed(recipient, key: str, **kwargs):
    """A notification mail sent to ``recipient`` (``portal.notifications.send_once``)."""
    run = MailRun()
    context = {"today": "2026-12-07", "waiting": [], "total": 0}
    send_once(key, recipient, "digest", context, run, **kwargs)
    send_once(key, recipient, "digest", {}, run, **kwargs)  # once only, whatever the tenant
    assert (run.sent, run.already_sent) == (1, 1), run
    return SentMail._base_manager.get(key=key)


def test_a_mail_sent_in_one_municipality_is_not_in_the_others_admin(
    two_cities, other_planner, home_planner
):
    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    other_planner.email = "kaku@example.jp"
    other_planner.save()
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):  # the digests' task
        sent = mailed(other_planner, "digest:2026-12-07:kaku")
    assert sent.municipality == other
    # The other's planner reads it in the admin of their site; the home's planner does not.
    browser = Client()
    browser.force_login(other_planner)
    changelist = browser.get(f"/{OTHER}/admin/portal/sentmail/")
    assert changelist.status_code == 200
    assert "kaku@example.jp" in text(changelist)
    assert browser.get(f"/{OTHER}/admin/portal/sentmail/{sent.pk}/change/").status_code == 200
    browser.force_login(home_planner)
    changelist = browser.get(f"/{HOME}/admin/portal/sentmail/")
    assert changelist.status_code == 200
    assert "kaku@example.jp" not in text(changelist)
    record = browser.get(f"/{HOME}/admin/portal/sentmail/{sent.pk}/change/")
    assert record.status_code in (302, 403, 404)
    # Nor does the policy hand it to the home's planner outside a request.
    assert not policy.restrict(SentMail.objects.all(), home_planner).filter(pk=sent.pk)
    with tenancy.activated(tenancy.Tenant(home.pk, home.code)):
        assert not SentMail.objects.filter(pk=sent.pk).exists()


def test_a_mail_is_of_the_municipality_of_its_record_else_of_none(two_cities, home_planner):
    """With several municipalities and no tenant active, a mail names the municipality of
    the record it is about; one about no record names none, and is seen only with no tenant
    active (an installation administrator's work), while its key still holds everywhere."""
    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    home_planner.email = "home@example.jp"
    home_planner.save()
    about_record = mailed(home_planner, "approve:x:1", municipality_id=home.pk)
    assert about_record.municipality == home
    of_none = mailed(home_planner, "digest:none")
    assert of_none.municipality is None
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
        assert not SentMail.objects.filter(pk=of_none.pk).exists()
        run = MailRun()
        send_once("digest:none", home_planner, "digest", {}, run)
        assert run.already_sent == 1 and run.sent == 0  # the key holds in every tenant
    assert SentMail.objects.filter(pk=of_none.pk).exists()


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="row-level security is PostgreSQL's (SQLite serves one city)"
)
def test_row_security_hides_a_mail_of_another_municipality(two_cities, other_planner):
    home, other = Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)
    other_planner.email = "kaku@example.jp"
    other_planner.save()
    sent = mailed(other_planner, "digest:2026-12-07:kaku", municipality_id=other.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE_FOR_TESTS}")
        try:
            for tenant, seen in ((home, 0), (other, 1)):
                with tenancy.activated(tenancy.Tenant(tenant.pk, tenant.code)):
                    cursor.execute("SELECT count(*) FROM portal_sentmail WHERE id = %s", [sent.pk])
                    assert cursor.fetchone()[0] == seen, tenant.code
        finally:
            cursor.execute("RESET ROLE")


def test_the_mails_sent_before_the_key_are_given_their_recipients_municipality(
    two_cities, other_planner
):
    """The migration that added the key: with several municipalities loaded, a mail kept from
    before is of its recipient's municipality (of none, if the recipient has none)."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    fill = importlib.import_module("portal.migrations.0004_sent_mail_municipality")
    other = Municipality.objects.get(code=OTHER)
    administrator = get_user_model().objects.create_user("installer")
    kept = [
        SentMail.objects.create(
            key=f"kept:{user.pk}",
            recipient=user,
            email="kept@example.jp",
            subject="件名",
            body="本文",
            sent_at=timezone.now(),
        )
        for user in (other_planner, administrator)
    ]
    SentMail.objects.filter(pk__in=[m.pk for m in kept]).update(municipality=None)
    fill.fill_municipality(apps, None)
    for mail in kept:
        mail.refresh_from_db()
    assert [mail.municipality for mail in kept] == [other, None]
