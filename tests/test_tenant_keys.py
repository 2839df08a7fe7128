"""The municipality key the big tables keep on each row (``tenant_source``,
``infrastructure.tenancy``): copied from the row's parent at every save and bulk_create, so
that keeping to a municipality compares one column instead of joining up to the plan.

Two municipalities are loaded (the shipped one and 架空市), with sample data, so that every
kind of row exists on both sides."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.access import Role
from community.models import Municipality
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue, Target
from infrastructure import policy, row_security, tenancy
from infrastructure.row_security import ROLE_FOR_TESTS
from infrastructure.workflow import Status
from programs.models import Challenge, Initiative, InitiativeProgress
from tests.conftest import PASSWORD
from tests.test_many_municipalities import HOME, KAKU, ON_POSTGRESQL, OTHER, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_loaded(db):
    call_command("load_plan", str(KAKU), verbosity=0)
    call_command("load_demo_data", force=True, verbosity=0)
    return Municipality.objects.get(code=HOME), Municipality.objects.get(code=OTHER)


@pytest.fixture
def other_planner(two_loaded):
    return staff_create(
        username="kaku_planner", role=Role.PLANNER, password=PASSWORD, municipality=two_loaded[1]
    )


def chains(model) -> list[str]:
    """The ORM paths from ``model`` to its municipality through its parents, never through a
    key a parent keeps: what the kept key must equal."""
    found = []
    for source in tenancy.sources_of(model):
        parent = model._meta.get_field(source).related_model
        if tenancy.sources_of(parent):
            found += [f"{source}__{chain}" for chain in chains(parent)]
        else:
            found += [f"{source}__{path}" for path in tenancy.paths_of(parent)]
    return found


def kept_models():
    return [model for model in apps.get_models() if tenancy.sources_of(model)]


def test_the_big_tables_keep_the_key(db):
    keeping = {model._meta.label for model in kept_models()}
    assert {
        "indicators.Indicator",
        "indicators.IndicatorValue",
        "indicators.Target",
        "programs.Pillar",
        "programs.Section",
        "programs.Initiative",
        "programs.InitiativeProgress",
        "evaluations.Evaluation",
    } <= keeping
    for model in kept_models():
        assert tenancy.paths_of(model) == ("municipality",)


def test_every_kept_key_is_the_municipality_its_parents_reach(two_loaded):
    checked = 0
    for model in kept_models():
        columns = [f"{chain}_id" for chain in chains(model)]
        rows = model._base_manager.values_list("municipality_id", *columns)
        for kept, *reached in rows:
            expected = next((found for found in reached if found is not None), None)
            assert kept == expected, model._meta.label
            assert kept is not None, model._meta.label
            checked += 1
    home, other = two_loaded
    # Both municipalities' rows were among them.
    assert IndicatorValue.objects.filter(municipality=home).exists()
    assert IndicatorValue.objects.filter(municipality=other).exists()
    assert InitiativeProgress.objects.filter(municipality=other).exists()
    assert checked > 100


def test_a_tenants_rows_are_found_without_a_join(two_loaded):
    _home, other = two_loaded
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
        # Unordered, so that the model's ordering joins nothing either.
        sql = str(IndicatorValue.objects.filter(fiscal_year=YEAR).order_by().query)
        assert "JOIN" not in sql.upper()
        assert f'"indicators_indicatorvalue"."municipality_id" = {other.pk}' in sql
        assert all(value.municipality_id == other.pk for value in IndicatorValue.objects.all())


def test_bulk_create_reads_the_parents_keys_in_one_query(two_loaded):
    _home, other = two_loaded
    indicators = list(Indicator.objects.filter(municipality=other).order_by("pk")[:3])
    rows = [
        # The parent by its id only: its key must be read from the database.
        Target(indicator_id=indicator.pk, fiscal_year=2040, value=number)
        for number, indicator in enumerate(indicators, start=1)
    ]
    with CaptureQueriesContext(connection) as queries:
        tenancy.fill_tenant_keys(Target, rows)
    assert len(queries) == 1
    assert {row.municipality_id for row in rows} == {other.pk}
    made = Target.objects.bulk_create(rows)
    assert {row.municipality_id for row in Target.objects.filter(pk__in=[m.pk for m in made])} == {
        other.pk
    }


def test_a_save_with_the_parent_in_hand_costs_no_query_for_the_key(two_loaded):
    _home, other = two_loaded
    indicator = Indicator.objects.filter(municipality=other).first()
    value = IndicatorValue(indicator=indicator, fiscal_year=2040, kind="actual", value=3)
    with CaptureQueriesContext(connection) as queries:
        tenancy.fill_tenant_keys(IndicatorValue, [value])
    assert len(queries) == 0
    assert value.municipality_id == other.pk
    value.save()
    value.refresh_from_db()
    assert value.municipality_id == other.pk


def test_a_row_given_another_municipalitys_parent_belongs_to_that_one(two_loaded, other_planner):
    """The key never lets a row claim a municipality its parent does not: a value of the
    other municipality given this one's indicator is this one's, to the policy at once, and
    on disk once saved."""
    home, other = two_loaded
    value = IndicatorValue.objects.filter(municipality=other).first()
    value.indicator = Indicator.objects.filter(municipality=home).first()
    assert tenancy.tenant_id_of(value) == home.pk
    assert policy.denial(other_planner, policy.CHANGE, value) == "他の自治体の記録です。"
    value.fiscal_year = 2040  # (a year no other figure of that indicator has)
    value.save()
    assert IndicatorValue.objects.get(pk=value.pk).municipality_id == home.pk


def test_a_new_record_with_its_parent_by_id_is_judged_by_that_parents_municipality(
    two_loaded, other_planner
):
    home, _other = two_loaded
    initiative = Initiative.objects.filter(municipality=home).first()
    progress = InitiativeProgress(
        initiative_id=initiative.pk, fiscal_year=YEAR, status=Status.DRAFT
    )
    assert tenancy.tenant_id_of(progress) == home.pk
    assert policy.denial(other_planner, policy.CREATE, progress) == "他の自治体の記録です。"


def test_the_versions_of_a_row_that_keeps_the_key_keep_it_too(two_loaded):
    home, other = two_loaded
    versions = IndicatorValue.history.model
    assert tenancy.paths_of(versions) == ("municipality",)
    assert versions.objects.filter(municipality=home).exists()
    assert versions.objects.filter(municipality=other).exists()
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
        assert set(versions.objects.values_list("municipality_id", flat=True)) == {other.pk}
    # Every city table with versions keeps the key, so every table of versions does too
    # (the municipality's own versions are its own: no tenant filter on them).
    for model in apps.get_models():
        original = getattr(model, "instance_type", None)
        if original is not None and tenancy.paths_of(original) not in ((), ("pk",)):
            assert tenancy.paths_of(model) == ("municipality",), model
    assert tenancy.paths_of(Challenge.history.model) == ("municipality",)


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="row-level security is PostgreSQL's (SQLite serves one city)"
)
def test_row_security_compares_the_kept_key_and_covers_the_versions(two_loaded):
    home, other = two_loaded
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy"
            " WHERE polrelid = 'indicators_indicatorvalue'::regclass"
        )
        (condition,) = cursor.fetchone()
        assert "municipality_id" in condition and "EXISTS" not in condition
        cursor.execute(f"SET LOCAL ROLE {ROLE_FOR_TESTS}")
        try:
            with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
                for table in ("indicators_indicatorvalue", "indicators_historicalindicatorvalue"):
                    cursor.execute(
                        f"SELECT count(*) FROM {table} WHERE municipality_id = %s", [home.pk]
                    )
                    assert cursor.fetchone()[0] == 0, table
                    cursor.execute(f"SELECT count(*) FROM {table}")
                    assert cursor.fetchone()[0] > 0, table
        finally:
            cursor.execute("RESET ROLE")


def test_a_table_migrated_back_before_the_key_reaches_its_tenant_through_the_parent(db):
    """``migrate`` back to before a table kept the key: the policies made after it (a
    ``post_migrate`` receiver) reach the tenant as before, through the parent, and a table
    of versions with no key has no row security rather than a policy naming a column it
    lacks (PostgreSQL would refuse it, and every row would be hidden)."""
    quote = connection.ops.quote_name
    columns = {field.column for field in IndicatorValue._meta.concrete_fields} - {"municipality_id"}
    statements = row_security.policy_sql(IndicatorValue, quote, columns)
    policy = statements[-1]
    assert "EXISTS (SELECT 1 FROM" in policy and quote("indicators_indicator") in policy
    assert "municipality_id" not in policy

    versions = IndicatorValue.history.model
    columns = {field.column for field in versions._meta.concrete_fields} - {"municipality_id"}
    statements = row_security.policy_sql(versions, quote, columns)
    assert not any("CREATE POLICY" in statement for statement in statements)
    assert any("DISABLE ROW LEVEL SECURITY" in statement for statement in statements)

    # As the models are: one comparison.
    assert "EXISTS" not in row_security.policy_sql(IndicatorValue, quote)[-1]


def test_rows_claimed_by_a_municipality_take_their_childrens_keys_along(two_loaded):
    """A municipality loaded after rows were made with none claims them with an ``update``
    (``claim_unowned``, the rating presets), which no ``save`` follows: ``keys_follow``
    gives the rows beneath them, and theirs, the key as well."""
    _home, other = two_loaded
    plan = other.plans.get()
    below = [model for model in kept_models() if model._meta.app_label != "community"]
    for model in below:  # as if made before any municipality was loaded
        model._base_manager.filter(municipality=other).update(municipality=None)
    assert not IndicatorValue.objects.filter(municipality=other).exists()
    tenancy.keys_follow(type(plan), [plan.pk])
    rules = list(other.rating_rules.values_list("pk", flat=True))
    tenancy.keys_follow(type(other.rating_rules.first()), rules)
    for model in below:
        columns = [f"{chain}_id" for chain in chains(model)]
        for kept, *reached in model._base_manager.values_list("municipality_id", *columns):
            assert kept == next((found for found in reached if found is not None), None), model
    assert IndicatorValue.objects.filter(municipality=other).exists()
    versions = IndicatorValue.history.model
    assert versions.objects.filter(municipality=other).exists()
