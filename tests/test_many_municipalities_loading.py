"""Several municipalities in one database (issue 22, items 1, 3 and 4): the shipped plan (熊本市,
loaded once for the session by tests/conftest.py) with ひなた町 (tests/fixtures/plans/hinata-town,
no wards) and 架空市 (tests/fixtures/plans/kaku-city) loaded beside it. Each keeps its own plan,
wards, organisation types, directory entries, volunteer programs and rating rules; the same
code may stand in two municipalities but not twice in one; loading one leaves the others'
rows as they were; and ``create_staff`` asks which municipality an account is of.

The fixtures' folders are copied and given what the shipped plan has too (a community file
whose codes are the shipped one's, an organisation type and a ward of the same code), so
that every per-municipality key meets a duplicate across municipalities."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from community.access import Role
from community.models import (
    CommunityResource,
    Department,
    Municipality,
    OrganisationType,
    SchoolDistrict,
    StaffProfile,
    VolunteerProgram,
    Ward,
)
from community.services import staff_create
from indicators.models import Indicator, RatingRule, ReportingRound
from indicators.services import rating_rule_activate
from programs.models import AnnualReport, Pillar, Plan
from tests.conftest import PASSWORD, SHIPPED_PLAN

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "plans"
SHIPPED, HINATA, KAKU = "431001", "993018", "991007"

HINATA_COMMUNITY = """\
resources:
  - code: kokoro-health-centre
    name: ひなた町こころの相談室
    type: neighbourhood-association
    consultation: true
    pillars: [1]
    life_stages: [old-age]
    life_stages_inferred: false
    description: 町の相談室
volunteer_programs:
  - code: dementia-supporter
    name: 認知症サポーター
    pillar: 1
    health_volunteer: false
"""


def hinata_folder(tmp_path: Path) -> Path:
    """ひなた町 with a community file and an organisation type whose codes the shipped plan
    uses too (kokoro-health-centre, dementia-supporter, neighbourhood-association 自治会)."""
    folder = tmp_path / "hinata-town"
    shutil.copytree(FIXTURES / "hinata-town", folder)
    index = folder / "plan.yaml"
    text = index.read_text(encoding="utf-8")
    text = text.replace(
        "organisation_types:\n",
        "organisation_types:\n  - code: neighbourhood-association\n    name: 自治会\n",
    )
    index.write_text(text + "community: community.yaml\n", encoding="utf-8")
    (folder / "community.yaml").write_text(HINATA_COMMUNITY, encoding="utf-8")
    return folder


def kaku_folder(tmp_path: Path) -> Path:
    """架空市 whose first ward has the shipped city's ward code and name (chuo, 中央区)."""
    folder = tmp_path / "kaku-city"
    shutil.copytree(FIXTURES / "kaku-city", folder)
    wards = folder / "municipality.yaml"
    text = wards.read_text(encoding="utf-8")
    wards.write_text(
        text.replace("code: asahi", "code: chuo").replace("name: あさひ区", "name: 中央区"),
        encoding="utf-8",
    )
    return folder


def load(folder: Path) -> None:
    call_command("load_plan", str(folder), verbosity=0)


@pytest.fixture
def hinata(tmp_path):
    folder = hinata_folder(tmp_path)
    load(folder)
    return folder


def rows_of(code: str) -> dict[str, list]:
    """What a municipality holds, row by row (ids and the fields a load writes)."""
    municipality = Municipality.objects.get(code=code)
    return {
        "municipality": list(Municipality.objects.filter(pk=municipality.pk).values()),
        "plans": list(Plan.objects.filter(municipality=municipality).values()),
        "pillars": list(Pillar.objects.filter(plan__municipality=municipality).values()),
        "indicators": list(Indicator.objects.filter(plan__municipality=municipality).values()),
        "wards": list(Ward.objects.filter(municipality=municipality).values()),
        "types": list(OrganisationType.objects.filter(municipality=municipality).values()),
        "resources": list(
            CommunityResource.objects.filter(municipality=municipality).order_by("pk").values()
        ),
        "programs": list(VolunteerProgram.objects.filter(municipality=municipality).values()),
        "rules": list(RatingRule.objects.filter(municipality=municipality).values()),
    }


def test_each_municipality_has_its_own_rows(hinata, tmp_path):
    load(kaku_folder(tmp_path))
    assert set(Municipality.objects.values_list("code", flat=True)) == {SHIPPED, HINATA, KAKU}
    shipped, town, city = (Municipality.objects.get(code=c) for c in (SHIPPED, HINATA, KAKU))

    assert list(shipped.plans.values_list("code", flat=True)) == ["kumamoto-community-welfare-plan"]
    assert list(town.plans.values_list("code", flat=True)) == ["hinata-community-welfare-plan"]
    assert list(city.plans.values_list("code", flat=True)) == ["kaku-community-welfare-plan"]

    # Wards: none for the town; 中央区 (chuo) twice, once in each city.
    assert not town.wards.exists()
    assert shipped.wards.count() == 5
    assert list(city.wards.values_list("code", flat=True)) == ["chuo", "yuhi", "hoshizora"]
    assert set(
        Ward.objects.filter(code="chuo", name="中央区").values_list("municipality__code", flat=True)
    ) == {SHIPPED, KAKU}

    # The same organisation type, directory entry and volunteer program code in two.
    assert set(
        OrganisationType.objects.filter(code="neighbourhood-association").values_list(
            "municipality__code", flat=True
        )
    ) == {SHIPPED, HINATA, KAKU}
    entries = {
        r.municipality.code: r
        for r in CommunityResource.objects.filter(code="kokoro-health-centre")
    }
    assert set(entries) == {SHIPPED, HINATA}
    assert entries[HINATA].name == "ひなた町こころの相談室"
    assert entries[HINATA].organisation_type.municipality == town
    assert entries[SHIPPED].organisation_type.municipality == shipped
    assert list(entries[HINATA].pillars.values_list("plan__municipality__code", flat=True)) == [
        HINATA
    ]
    assert set(
        VolunteerProgram.objects.filter(code="dementia-supporter").values_list(
            "municipality__code", flat=True
        )
    ) == {SHIPPED, HINATA}

    # Each has the rating presets, one of them in use.
    for municipality in (shipped, town, city):
        rules = RatingRule.objects.filter(municipality=municipality)
        assert rules.count() == 4
        assert rules.get(is_active=True).name == "pace"
        assert all(rule.bands.count() >= 5 for rule in rules)
    assert not RatingRule.objects.filter(municipality__isnull=True).exists()

    # Loading the others changed nothing of the shipped plan's rows.
    call_command("load_plan", str(SHIPPED_PLAN), "--check", verbosity=0)


def test_reloading_one_changes_nothing_of_the_other(hinata):
    shipped_before = rows_of(SHIPPED)
    town_before = rows_of(HINATA)

    # The town renames its 自治会 type and its entry, and reloads.
    index = hinata / "plan.yaml"
    index.write_text(
        index.read_text(encoding="utf-8").replace("name: 自治会", "name: 町内会"),
        encoding="utf-8",
    )
    community = hinata / "community.yaml"
    community.write_text(
        community.read_text(encoding="utf-8").replace("ひなた町こころの相談室", "こころの窓口"),
        encoding="utf-8",
    )
    load(hinata)

    town = Municipality.objects.get(code=HINATA)
    assert (
        OrganisationType.objects.get(municipality=town, code="neighbourhood-association").name
        == "町内会"
    )
    assert CommunityResource.objects.get(municipality=town, code="kokoro-health-centre").name == (
        "こころの窓口"
    )
    assert rows_of(HINATA) != town_before
    assert rows_of(SHIPPED) == shipped_before
    shipped = Municipality.objects.get(code=SHIPPED)
    assert (
        OrganisationType.objects.get(municipality=shipped, code="neighbourhood-association").name
        == "自治会"
    )

    # And the other way round: reloading the shipped plan leaves the town's rows alone.
    town_now = rows_of(HINATA)
    load(SHIPPED_PLAN)
    assert rows_of(HINATA) == town_now


def test_a_code_twice_in_one_municipality_is_refused(hinata):
    town = Municipality.objects.get(code=HINATA)
    shipped = Municipality.objects.get(code=SHIPPED)
    cases = [
        (
            OrganisationType(
                municipality=town, code="neighbourhood-association", name="別名", position=9
            ),
            "同じコードの団体・施設の種類がすでにあります。",
        ),
        (
            OrganisationType(municipality=town, code="other", name="自治会", position=9),
            "同じ名称の団体・施設の種類がすでにあります。",
        ),
        (
            VolunteerProgram(municipality=town, code="dementia-supporter", name="別の制度"),
            "同じコードのボランティア制度がすでにあります。",
        ),
        (
            Plan(municipality=town, code="hinata-community-welfare-plan", title="別の計画"),
            "同じコードの計画がすでにあります。",
        ),
        (
            Ward(municipality=shipped, code="chuo", name="新しい区", name_en="New", position=99),
            "同じコードの区がすでにあります。",
        ),
        (
            RatingRule(municipality=town, name="pace", label="もう一つ"),
            "この方式の評価基準はすでにあります。",
        ),
    ]
    for row, message in cases:
        with pytest.raises(ValidationError) as error:
            row.full_clean()
        assert message in error.value.messages, (row, error.value.messages)

    # The database refuses them too, whatever the door.
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationType.objects.create(
            municipality=town, code="neighbourhood-association", name="別名", position=9
        )
    # In another municipality, the same codes are another row.
    kaku = Municipality.objects.create(
        code=KAKU, name="架空市", name_en="Kaku", prefecture="架空県"
    )
    OrganisationType(
        municipality=kaku, code="neighbourhood-association", name="自治会", position=1
    ).full_clean()
    Plan(municipality=kaku, code="hinata-community-welfare-plan", title="同じコード").full_clean()


def test_per_municipality_years_and_districts(hinata):
    """A year's reporting round and annual report, and a school district's code, are unique
    within a municipality."""
    town = Municipality.objects.get(code=HINATA)
    shipped = Municipality.objects.get(code=SHIPPED)
    for municipality in (shipped, town):
        ReportingRound.objects.create(
            municipality=municipality, fiscal_year=2026, deadline="2027-05-31"
        )
        AnnualReport.objects.create(municipality=municipality, fiscal_year=2026)
    with pytest.raises(ValidationError, match="この年度の報告期間はすでにあります"):
        ReportingRound(municipality=town, fiscal_year=2026, deadline="2027-05-31").full_clean()
    with pytest.raises(ValidationError, match="この年度の年次報告書はすでにあります"):
        AnnualReport(municipality=town, fiscal_year=2026).full_clean()

    chuo = Ward.objects.get(municipality=shipped, code="chuo")
    SchoolDistrict.objects.create(municipality=shipped, code="d1", name="第一", ward=chuo)
    with pytest.raises(ValidationError, match="同じコードの小学校区がすでにあります"):
        SchoolDistrict(municipality=shipped, code="d1", name="第二", ward=chuo).full_clean()


def test_a_new_row_takes_the_only_municipality_or_none():
    """The one rule (community.models.municipality_for_new_row): with one municipality, a row
    made without one is of it; with two, of neither unless a tenant is active."""
    from infrastructure import tenancy

    shipped = Municipality.objects.get(code=SHIPPED)
    assert OrganisationType(code="a", name="甲", position=1).municipality == shipped
    other = Municipality.objects.create(
        code=KAKU, name="架空市", name_en="Kaku", prefecture="架空県"
    )
    assert OrganisationType(code="b", name="乙", position=1).municipality_id is None
    with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
        assert OrganisationType(code="c", name="丙", position=1).municipality == other
        assert ReportingRound(fiscal_year=2026, deadline="2027-05-31").municipality == other


def test_a_new_row_reads_the_municipalities_loaded_without_a_query(
    django_assert_num_queries,
):
    """The only municipality loaded is read from the map the tenant middleware reads (the
    shared cache), not asked of the database for each new row; the tenant's, with one active."""
    from infrastructure import tenancy

    shipped = Municipality.objects.get(code=SHIPPED)
    with django_assert_num_queries(0):
        assert OrganisationType(code="a", name="甲", position=1).municipality_id == shipped.pk
        assert ReportingRound(fiscal_year=2026, deadline="2027-05-31").municipality_id == (
            shipped.pk
        )
    other = Municipality.objects.create(
        code=KAKU, name="架空市", name_en="Kaku", prefecture="架空県"
    )
    with django_assert_num_queries(0):
        assert OrganisationType(code="b", name="乙", position=1).municipality_id is None
        with tenancy.activated(tenancy.Tenant(other.pk, other.code)):
            assert OrganisationType(code="c", name="丙", position=1).municipality_id == other.pk


def test_activating_a_rule_in_one_municipality_leaves_the_others(hinata):
    town = Municipality.objects.get(code=HINATA)
    statcan = RatingRule.objects.get(municipality=town, name="statcan")
    shipped_planner = staff_create(
        username="shipped_planner",
        role=Role.PLANNER,
        password=PASSWORD,
        municipality=Municipality.objects.get(code=SHIPPED),
    )
    with pytest.raises(PermissionDenied):  # not a rule of the planner's municipality
        rating_rule_activate(user=shipped_planner, rule=statcan)
    town_planner = staff_create(
        username="town_planner", role=Role.PLANNER, password=PASSWORD, municipality=town
    )
    rating_rule_activate(user=town_planner, rule=statcan)
    assert RatingRule.objects.get(municipality=town, is_active=True).name == "statcan"
    assert RatingRule.objects.get(municipality__code=SHIPPED, is_active=True).name == "pace"


# --- create_staff --municipality ---------------------------------------------------------


@pytest.fixture
def staff_password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)


def profile(username: str) -> StaffProfile:
    return get_user_model().objects.get(username=username).staff_profile


def test_create_staff_with_one_municipality_takes_it(staff_password):
    call_command("create_staff", "kato", "--role", "planner", verbosity=0)
    assert profile("kato").municipality.code == SHIPPED
    call_command(
        "create_staff",
        "mori",
        "--role",
        "ward_officer",
        "--ward",
        "chuo",
        "--municipality",
        SHIPPED,
    )
    assert (profile("mori").municipality.code, profile("mori").ward.code) == (SHIPPED, "chuo")


def test_create_staff_needs_the_municipality_once_there_are_two(hinata, staff_password):
    with pytest.raises(CommandError) as error:
        call_command("create_staff", "kato", "--role", "planner")
    assert "--municipality" in str(error.value)
    assert SHIPPED in str(error.value) and HINATA in str(error.value)
    assert not get_user_model().objects.filter(username="kato").exists()

    with pytest.raises(CommandError, match="999999"):
        call_command("create_staff", "kato", "--role", "planner", "--municipality", "999999")

    call_command("create_staff", "kato", "--role", "planner", "--municipality", HINATA)
    assert profile("kato").municipality.code == HINATA


def test_create_staff_looks_up_ward_and_department_within_the_municipality(hinata, staff_password):
    town = Municipality.objects.get(code=HINATA)
    shipped = Municipality.objects.get(code=SHIPPED)
    town_welfare = Department.objects.create(municipality=town, name="福祉課")
    Department.objects.create(municipality=shipped, name="福祉課")

    call_command(
        "create_staff",
        "ito",
        "--role",
        "department_officer",
        "--department",
        "福祉課",
        "--municipality",
        HINATA,
    )
    assert profile("ito").department == town_welfare
    assert profile("ito").municipality == town

    # The town has no wards: the shipped city's 中央区 is not one of its.
    with pytest.raises(CommandError, match="Unknown ward"):
        call_command(
            "create_staff",
            "ueda",
            "--role",
            "ward_officer",
            "--ward",
            "chuo",
            "--municipality",
            HINATA,
        )
    call_command(
        "create_staff",
        "ueda",
        "--role",
        "ward_officer",
        "--ward",
        "chuo",
        "--municipality",
        SHIPPED,
    )
    assert profile("ueda").ward == Ward.objects.get(municipality=shipped, code="chuo")
    assert profile("ueda").municipality == shipped


# --- The migrations that added the key ---------------------------------------------------


def test_the_migrations_give_existing_rows_the_one_municipality(committed_db):
    """Back to before the key (an installation of one municipality, its plan loaded), then
    forward: every row of the city has its municipality, the rating rules included."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    migrate(
        [
            ("community", "0013_staff_mail_notifications"),
            ("programs", "0009_themes"),
            ("indicators", "0018_rating_english_labels"),
        ]
    )
    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    shipped = apps.get_model("community", "Municipality").objects.get(code=SHIPPED)
    for app, name in (
        ("community", "OrganisationType"),
        ("community", "CommunityResource"),
        ("community", "VolunteerProgram"),
        ("indicators", "RatingRule"),
    ):
        model = apps.get_model(app, name)
        assert model.objects.exists(), name
        assert set(model.objects.values_list("municipality", flat=True)) == {shipped.pk}, name
