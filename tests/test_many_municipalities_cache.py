"""Issue 22, item 2: the data generation per municipality (infrastructure.response_cache).

Two municipalities in one database (the shipped plan's, 431001, and the fictional 架空市,
991007): a change to one municipality's rows leaves the other's cached pages and summaries
as they were, and recomputes its own; what is read with no municipality active (the
prefecture's view, an installation with one municipality) follows every change; a change to
a row every municipality shares (a unit) invalidates both."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Municipality, Ward
from indicators.api.summaries import cached_indicator_list
from indicators.models import Unit
from infrastructure import tenancy
from infrastructure.response_cache import MARKER, generation
from programs.models import Action
from tests.api.conftest import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

KAKU = Path(__file__).parent / "fixtures" / "plans" / "kaku-city"
HOME, OTHER = "431001", "991007"
PREFECTURE = f"/pref/{HOME[:2]}/"
YEAR = 2025


@pytest.fixture
def two_cities(db):
    call_command("load_plan", str(KAKU), verbosity=0)


def tenant(code: str) -> tenancy.Tenant:
    return tenancy.Tenant(Municipality.objects.get(code=code).pk, code)


def cached_pages(client, *paths: str) -> None:
    """Each page served once (stored), then from the cache."""
    for path in paths:
        assert client.get(path).status_code == 200, path
        assert client.get(path)[MARKER] == "hit", path


def served(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response[MARKER]


def rename_a_ward(code: str) -> None:
    ward = Ward.objects.filter(municipality__code=code).first()
    ward.name_en += " "
    ward.save()


def test_a_change_in_one_municipality_leaves_the_others_cached_pages(two_cities):
    client = Client()
    cached_pages(client, f"/{HOME}/", f"/{OTHER}/", PREFECTURE)
    with tenancy.activated(tenant(OTHER)):  # the other municipality's work
        rename_a_ward(OTHER)
    assert served(client, f"/{HOME}/") == "hit"
    assert served(client, f"/{OTHER}/") == "miss"
    # The prefecture's view reads every municipality: it follows every change.
    assert served(client, PREFECTURE) == "miss"

    # The same with no municipality active (a command): the row says whose it is.
    cached_pages(client, f"/{OTHER}/", PREFECTURE)
    rename_a_ward(HOME)
    assert served(client, f"/{OTHER}/") == "hit"
    assert served(client, f"/{HOME}/") == "miss"
    assert served(client, PREFECTURE) == "miss"


def test_a_staff_members_change_through_their_site_recomputes_only_their_municipality(
    two_cities,
):
    from community.access import Role
    from community.services import staff_create
    from indicators.models import Indicator, IndicatorValue
    from infrastructure.workflow import Status

    other = Municipality.objects.get(code=OTHER)
    planner = staff_create(
        username="kaku_planner", role=Role.PLANNER, password=PASSWORD, municipality=other
    )
    draft = IndicatorValue.objects.create(
        indicator=Indicator.objects.filter(plan__municipality=other).first(),
        ward=Ward.objects.get(municipality=other, name="あさひ区"),
        fiscal_year=YEAR,
        kind="actual",
        value=12,
        status=Status.DRAFT,
    )
    client = Client()
    cached_pages(client, f"/{HOME}/", f"/{OTHER}/", PREFECTURE)
    submitted = client_for(planner).post(
        f"/{OTHER}/api/v1/indicator-values/{draft.pk}/submit/",
        {},
        format="json",
        HTTP_IF_MATCH=draft.etag,
    )
    assert submitted.status_code == 200, submitted.content
    assert served(client, f"/{HOME}/") == "hit"
    assert served(client, f"/{OTHER}/") == "miss"
    assert served(client, PREFECTURE) == "miss"


def test_a_municipalitys_summaries_stay_cached_through_the_others_changes(
    two_cities, django_assert_num_queries
):
    home, other = tenant(HOME), tenant(OTHER)
    for each in (home, other):
        with tenancy.activated(each):
            cached_indicator_list(YEAR)  # computed and stored
    with tenancy.activated(other):
        rename_a_ward(OTHER)
    with tenancy.activated(home), django_assert_num_queries(0):
        home_list = cached_indicator_list(YEAR)  # from the cache: no query
    assert home_list and all(row["code"] for row in home_list)
    with tenancy.activated(other), CaptureQueriesContext(connection) as recomputed:
        cached_indicator_list(YEAR)
    assert len(recomputed) > 0, "the changed municipality's summary was not recomputed"


def test_no_municipality_active_reads_the_installations_generation(two_cities):
    """What the prefecture's view and an installation with one municipality read: it moves
    on at every municipality's change, while each municipality's moves on at its own."""
    home, other = tenant(HOME), tenant(OTHER)

    def generations() -> tuple[int, int, int]:
        with tenancy.activated(home):
            of_home = generation()
        with tenancy.activated(other):
            of_other = generation()
        return generation(), of_home, of_other

    installation, of_home, of_other = generations()
    with tenancy.activated(other):
        rename_a_ward(OTHER)
    after = generations()
    assert after[0] > installation
    assert after[1] == of_home
    assert after[2] > of_other


def test_a_row_every_municipality_shares_invalidates_both(two_cities):
    client = Client()
    cached_pages(client, f"/{HOME}/", f"/{OTHER}/", PREFECTURE)
    with tenancy.activated(tenant(OTHER)):  # even in one municipality's work
        unit = Unit.objects.first()
        unit.label_en += " "
        unit.save()
    assert served(client, f"/{HOME}/") == "miss"
    assert served(client, f"/{OTHER}/") == "miss"
    assert served(client, PREFECTURE) == "miss"


def test_a_change_whose_municipality_is_not_known_without_a_query_invalidates_both(
    two_cities, monkeypatch
):
    """A delete cascading from a parent, with no municipality active: the parents may be
    gone already, so a row reached through them does not say whose it is; every generation
    moves on."""
    # A row that reaches its municipality through its parents only (whatever key of its
    # own the model may have).
    monkeypatch.setattr(Action, "tenant_path", "initiative__pillar__plan__municipality")
    client = Client()
    cached_pages(client, f"/{HOME}/", f"/{OTHER}/")
    action = Action.objects.filter(initiative__pillar__plan__municipality__code=OTHER).first()
    Action.objects.filter(pk=action.pk).delete()  # its initiative is not loaded with it
    assert served(client, f"/{HOME}/") == "miss"
    assert served(client, f"/{OTHER}/") == "miss"


def test_the_prefectures_view_at_a_municipalitys_own_host_follows_every_change(
    two_cities, settings
):
    """At a municipality's own host (MUNICIPALITY_HOSTS) the prefecture's view reads across
    municipalities too: no tenant, so a change in another municipality is seen."""
    host = "fukushi.kaku.example.jp"
    settings.MUNICIPALITY_HOSTS = {host: OTHER}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    client = Client(HTTP_HOST=host)
    cached_pages(client, "/", PREFECTURE)
    rename_a_ward(HOME)
    assert served(client, "/") == "hit"  # the municipality's own site
    assert served(client, PREFECTURE) == "miss"


def test_the_summary_refresh_job_moves_on_the_generation_of_the_municipality_that_asked(
    two_cities,
):
    """After an approval the worker moves the summaries' generation on again (in case the
    approval's own move was lost): that municipality's, not the others'."""
    from indicators.tasks import REFRESH_SUMMARIES
    from infrastructure.jobs.services import job_create, job_run

    home, other = tenant(HOME), tenant(OTHER)
    with tenancy.activated(other):
        job = job_create(kind=REFRESH_SUMMARIES, params={"fiscal_years": []})
    with tenancy.activated(home):
        of_home = generation()
    with tenancy.activated(other):
        of_other = generation()
    assert job_run(job_id=job.pk) == "succeeded"  # run for its municipality, as the worker does
    with tenancy.activated(home):
        assert generation() == of_home
    with tenancy.activated(other):
        assert generation() > of_other
