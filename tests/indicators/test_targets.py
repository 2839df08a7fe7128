"""The target in force in a fiscal year (indicators.targets), the services that set targets,
the admin door, and the migration that moved targets out of indicator values."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from community.models import Ward
from indicators.models import Indicator, Target
from indicators.selectors import progress_by_indicator
from indicators.services import target_create, target_delete, target_revise
from indicators.targets import in_force, target_in_force, targets_in_force

T0 = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Fake:
    revised_in: int | None
    set_at: datetime.datetime
    pk: int


def fakes(specs):
    return [
        Fake(revised_in, T0 + datetime.timedelta(minutes=minute), pk)
        for pk, (revised_in, minute) in enumerate(specs, start=1)
    ]


# --- The rule itself ------------------------------------------------------------------------


def test_the_original_until_a_revision_is_set_then_the_revision():
    original, revision = fakes([(None, 0), (2018, 1)])
    targets = [revision, original]
    assert in_force(targets, 2016) is original
    assert in_force(targets, 2017) is original
    assert in_force(targets, 2018) is revision
    assert in_force(targets, 2030) is revision


def test_the_latest_revision_set_by_then_wins_whatever_the_order_recorded():
    original, later, earlier = fakes([(None, 0), (2020, 1), (2018, 2)])
    assert in_force([original, later, earlier], 2019) is earlier
    assert in_force([original, later, earlier], 2021) is later


def test_two_revisions_in_one_year_the_one_recorded_last_is_in_force():
    _original, first, second = targets = fakes([(None, 0), (2018, 1), (2018, 5)])
    assert in_force(targets, 2018) is second and in_force(targets, 2017) is targets[0]
    assert first is not second


def test_no_target_before_the_first_revision_where_the_plan_has_none():
    (revision,) = fakes([(2018, 0)])
    assert in_force([revision], 2017) is None
    assert in_force([revision], 2018) is revision
    assert in_force([], 2018) is None


specs = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(2008, 2030)), st.integers(0, 1000)),
    max_size=8,
)


@given(specs, st.integers(2005, 2035))
def test_in_force_is_the_latest_set_in_or_before_the_year(spec, year):
    targets = fakes(spec)
    found = in_force(targets, year)
    eligible = [t for t in targets if t.revised_in is None or t.revised_in <= year]
    if not eligible:
        assert found is None
        return
    assert found in eligible
    for other in eligible:
        # Nothing eligible was set later than the one in force.
        assert (other.revised_in or 0, other.set_at, other.pk) <= (
            found.revised_in or 0,
            found.set_at,
            found.pk,
        ) or (other.revised_in is None and found.revised_in is not None)


@given(specs, st.integers(2005, 2035), st.integers(1, 10))
def test_a_later_revision_never_changes_an_earlier_years_answer(spec, year, ahead):
    targets = fakes(spec)
    before = in_force(targets, year)
    later = Fake(year + ahead, T0 + datetime.timedelta(days=1), len(targets) + 1)
    assert in_force([*targets, later], year) == before


@given(specs, st.integers(2005, 2035))
def test_once_a_target_is_in_force_it_stays_until_a_later_one_is_set(spec, year):
    targets = fakes(spec)
    found = in_force(targets, year)
    if found is None:
        return
    nxt = in_force(targets, year + 1)
    assert nxt is found or (nxt.revised_in == year + 1)


# --- On the database --------------------------------------------------------------------------


@pytest.fixture
def kpi(db):
    return Indicator.objects.get(code="KPI-1-1")


def test_target_in_force_reads_the_plans_original_and_a_revision(kpi, planner):
    assert target_in_force(kpi, 2016).value == Decimal("79.41")
    revision = target_revise(
        user=planner,
        indicator=kpi,
        fiscal_year=2022,
        value=Decimal("80.25"),
        revised_in=2018,
        reason="見直し",
    )
    assert target_in_force(kpi, 2016).value == Decimal("79.41")
    assert target_in_force(kpi, 2018) == revision
    assert targets_in_force([kpi], 2019) == {kpi.pk: revision}


def test_progress_for_a_year_is_against_the_target_in_force_then(kpi, planner):
    target_revise(
        user=planner,
        indicator=kpi,
        fiscal_year=2022,
        value=Decimal("80.25"),
        revised_in=2018,
        reason="見直し",
    )
    assert progress_by_indicator([kpi], up_to=2016)[kpi.pk].achievement_rate == Decimal("55.0")
    assert progress_by_indicator([kpi], up_to=2018)[kpi.pk].achievement_rate == Decimal("26.8")


def test_a_ward_rate_uses_the_citys_targets_unless_it_has_its_own(planner):
    kpi = Indicator.objects.get(code="KPI-3-2")  # a rate (%)
    chuo = Ward.objects.get(code="chuo")
    assert target_in_force(kpi, 2016, ward_id=chuo.pk).value == Decimal("26.0")
    own = target_create(
        user=planner,
        indicator=kpi,
        ward=chuo,
        fiscal_year=2019,
        value=Decimal("30.0"),
        revised_in=2016,
        reason="中央区独自の目標",
    )
    assert target_in_force(kpi, 2016, ward_id=chuo.pk) == own
    assert target_in_force(kpi, 2015, ward_id=chuo.pk) is None  # its own, not yet set
    assert target_in_force(kpi, 2016).value == Decimal("26.0")  # the city's unchanged


def test_a_ward_count_has_no_city_target(db):
    kpi = Indicator.objects.get(code="KPI-3-1")
    chuo = Ward.objects.get(code="chuo")
    assert target_in_force(kpi, 2016, ward_id=chuo.pk) is None


def test_only_planners_set_targets(kpi, chuo_officer, planner, city_admin):
    with pytest.raises(PermissionDenied):
        target_revise(
            user=chuo_officer,
            indicator=kpi,
            fiscal_year=2022,
            value=Decimal("80"),
            revised_in=2018,
            reason="x",
        )
    for user in (planner, city_admin):
        target_revise(
            user=user,
            indicator=kpi,
            fiscal_year=2022,
            value=Decimal("80"),
            revised_in=2018,
            reason="x",
        )
    assert Target.objects.filter(indicator=kpi, revised_in=2018).count() == 2


def test_a_revision_needs_its_year_and_reason(kpi, planner):
    with pytest.raises(ValidationError) as error:
        target_revise(
            user=planner,
            indicator=kpi,
            fiscal_year=2022,
            value=Decimal("80"),
            revised_in=2018,
            reason=" ",
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        target_revise(
            user=planner,
            indicator=kpi,
            fiscal_year=2022,
            value=Decimal("80"),
            revised_in=None,
            reason="x",
        )
    assert not Target.objects.filter(indicator=kpi, origin="entry").exists()


def test_the_plans_target_cannot_be_deleted_a_mistaken_revision_can(kpi, planner):
    with pytest.raises(ValidationError):
        target_delete(user=planner, target=Target.objects.get(indicator=kpi, origin="plan"))
    revision = target_revise(
        user=planner,
        indicator=kpi,
        fiscal_year=2022,
        value=Decimal("80"),
        revised_in=2018,
        reason="x",
    )
    pk = revision.pk
    target_delete(user=planner, target=revision)
    assert not Target.objects.filter(pk=pk).exists()
    deleted = Target.history.get(id=pk, history_type="-")  # the history keeps it
    assert deleted.history_user == planner


# --- The admin ------------------------------------------------------------------------------

ADD = "/admin/indicators/target/add/"


def test_a_planner_adds_a_revision_in_the_admin(client, planner, kpi):
    client.force_login(planner)
    response = client.post(
        ADD,
        {
            "indicator": kpi.pk,
            "fiscal_year": "令和4年度",
            "value": "80.25",
            "revised_in": "H30",
            "reason": "中間見直し",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = Target.objects.get(indicator=kpi, revised_in=2018)
    assert (revision.fiscal_year, revision.set_by) == (2022, planner)
    assert revision.history.get().history_user == planner
    # A saved target opens read-only: a revision is a new target, never an edit.
    page = client.get(f"/admin/indicators/target/{revision.pk}/change/")
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    assert client.post(f"/admin/indicators/target/{revision.pk}/change/", {}).status_code == 403


def test_the_admin_form_shows_a_bad_revision_by_field(client, planner, kpi):
    client.force_login(planner)
    response = client.post(
        ADD,
        {"indicator": kpi.pk, "fiscal_year": "2016", "value": "80", "revised_in": "2018"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "reason" in errors or "fiscal_year" in errors
    assert not Target.objects.filter(indicator=kpi, origin="entry").exists()


def test_a_ward_officer_sees_targets_but_cannot_add_one(client, chuo_officer, kpi):
    client.force_login(chuo_officer)
    assert client.get("/admin/indicators/target/").status_code == 200
    assert client.get(ADD).status_code == 403
    response = client.post(
        ADD, {"indicator": kpi.pk, "fiscal_year": "2022", "value": "80", "revised_in": "2018"}
    )
    assert response.status_code == 403
    assert not Target.objects.filter(indicator=kpi, origin="entry").exists()


# --- The migration ----------------------------------------------------------------------------


def test_the_migration_moves_every_target_value_into_targets(committed_db):
    """Back to before the change (the reverse puts the plan's targets back as values), an
    entered ward target beside them, then forward again: every target is a Target, with
    its figures as they were, and load_plan finds nothing to change."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    apps = migrate([("indicators", "0009_targets")])
    values = apps.get_model("indicators", "IndicatorValue")
    plan_targets = sorted(
        values.objects.filter(kind="target").values_list("indicator__code", "fiscal_year", "value")
    )
    assert len(plan_targets) == 7
    values.objects.create(
        indicator=apps.get_model("indicators", "Indicator").objects.get(code="KPI-3-2"),
        ward=apps.get_model("community", "Ward").objects.get(code="chuo"),
        fiscal_year=2019,
        kind="target",
        value="28.5",
        origin="entry",
        status="approved",
        note="区の目標",
    )

    leaves = [n for n in MigrationExecutor(connection).loader.graph.leaf_nodes()]
    apps = migrate(leaves)
    moved = apps.get_model("indicators", "Target").objects.order_by("pk")
    assert (
        sorted((t.indicator.code, t.fiscal_year, t.value) for t in moved if t.origin == "plan")
        == plan_targets
    )
    assert all(t.revised_in is None and t.ward_id is None for t in moved if t.origin == "plan")
    (entered,) = [t for t in moved if t.origin == "entry"]
    assert (entered.ward.code, entered.value, entered.note) == ("chuo", Decimal("28.5"), "区の目標")
    assert entered.revised_in is None and "承認済み" in entered.reason
    assert not apps.get_model("indicators", "IndicatorValue").objects.filter(kind="target")
    reasons = set(
        apps.get_model("indicators", "HistoricalTarget")
        .objects.filter(origin="plan")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == {"load_plan"}
    # Back to indicators 0009 took the portal's tables with it (its migrations come after
    # the indicators'), and with them the plan's やさしい日本語 text: load_plan writes that
    # again, and nothing else.
    from django.conf import settings

    from portal.models import EasyJapanese
    from portal.plan_loading import plan_document_read, plan_load

    report = plan_load(document=plan_document_read(settings.PLAN_DATA_DIR))
    changed = {(model, outcome) for (model, outcome), n in report.counts.items() if n}
    assert {pair for pair in changed if pair[1] != "unchanged"} == {(EasyJapanese, "created")}
    call_command("load_plan", "--check", verbosity=0)
