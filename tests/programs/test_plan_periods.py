"""Plans side by side: the next plan period, or a second chapter, loads beside the first and
never deletes it; codes are unique within their plan; the current plan is the default and
another plan is reachable with ?plan=<code>. And the municipality code's check digit."""

import datetime
import shutil

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from community.models import Municipality, Ward, validate_municipality_code
from indicators.models import Indicator, IndicatorValue
from programs.models import Initiative, Pillar, Plan, PriorityArea
from programs.selectors import current_plan
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

SHIPPED = "kumamoto-community-welfare-plan"
NEXT = "next-community-welfare-plan"


def _edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def next_period(tmp_path, *, start: int, end: int):
    """The shipped plan's files as the next plan period: another code, title and period, and
    one indicator's target moved (so the two plans' KPI-1-1 differ)."""
    folder = tmp_path / "next"
    shutil.copytree(settings.PLAN_DATA_DIR, folder)

    def plan(data):
        data["plan"].update(
            code=NEXT, title="次期地域福祉計画", title_en="", period_start=start, period_end=end
        )
        data.pop("community")  # the directory stays as the first plan loaded it

    def target(data):
        for value in data["indicators"][0]["values"]:
            if value["kind"] == "target":
                value["value"] = "85.00"

    _edit(folder, "plan.yaml", plan)
    _edit(folder, "pillar-1.yaml", target)
    return folder


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Plan, PriorityArea, Pillar, Initiative, Indicator, IndicatorValue)
    }


def test_the_next_plan_period_loads_beside_the_first(tmp_path):
    before = counts()
    shipped = Plan.objects.get(code=SHIPPED)
    kpi = Indicator.objects.get(plan=shipped, code="KPI-1-1")
    call_command("load_plan", str(next_period(tmp_path, start=2030, end=2034)), verbosity=0)

    after = counts()
    assert {name: after[name] - before[name] for name in after} == {
        name: before[name] // before["Plan"] for name in before
    }, "the next plan adds its own rows and takes none of the first's"
    nxt = Plan.objects.get(code=NEXT)
    assert (nxt.period_start, nxt.period_end) == (2030, 2034)
    assert Indicator.objects.filter(code="KPI-1-1").count() == 2
    assert Indicator.objects.get(pk=kpi.pk).plan == shipped
    assert Initiative.objects.filter(code="1-2-1").count() == 2
    # Loading the shipped plan again touches neither.
    call_command("load_plan", "--check", verbosity=0)
    call_command("load_plan", str(next_period(tmp_path / "again", start=2030, end=2034)), "--check")


def test_the_current_plan_is_the_latest_begun_and_others_are_reached_by_code(tmp_path):
    call_command("load_plan", str(next_period(tmp_path, start=2030, end=2034)), verbosity=0)
    shipped, nxt = Plan.objects.get(code=SHIPPED), Plan.objects.get(code=NEXT)
    # A plan that has not begun is not current yet; the shipped plan states no period.
    assert current_plan(today=datetime.date(2026, 12, 1)) == shipped
    assert current_plan(today=datetime.date(2030, 4, 1)) == nxt
    assert current_plan(today=datetime.date(2031, 3, 31)) == nxt

    anon = client_for()
    default = anon.get("/api/v1/indicators/KPI-1-1/").json()
    other = anon.get("/api/v1/indicators/KPI-1-1/", {"plan": NEXT}).json()
    assert default["target"]["value"] == "79.41" and other["target"]["value"] == "85"
    assert len(anon.get("/api/v1/pillars/").json()) == 4
    assert anon.get("/api/v1/pillars/1/", {"plan": NEXT}).status_code == 200
    assert anon.get("/api/v1/initiatives/1-2-1/").status_code == 200
    assert anon.get("/api/v1/indicators/", {"plan": "no-such-plan"}).status_code == 404
    assert anon.get("/api/v1/dashboard/", {"fiscal_year": 2013, "plan": NEXT}).status_code == 200

    page = anon.get("/indicators/KPI-1-1/", {"plan": NEXT})
    assert page.status_code == 200 and "85" in page.content.decode()
    assert anon.get("/pillars/1/").status_code == 200
    assert anon.get("/pillars/1/", {"plan": NEXT}).status_code == 200
    assert anon.get("/pillars/1/", {"plan": "no-such-plan"}).status_code == 404


def test_a_value_entered_by_code_lands_in_the_current_plan(tmp_path, chuo_officer):
    call_command("load_plan", str(next_period(tmp_path, start=2030, end=2034)), verbosity=0)
    entry = {
        "indicator": "KPI-3-1",
        "ward": "中央区",
        "fiscal_year": 2015,
        "kind": "actual",
        "value": "23456",
    }
    response = client_for(chuo_officer).post("/api/v1/indicator-values/", entry, format="json")
    assert response.status_code == 201, response.content
    value = IndicatorValue.objects.get(pk=response.json()["id"])
    assert value.indicator.plan.code == SHIPPED


def test_a_second_chapter_loads_beside_the_first(tmp_path):
    folder = tmp_path / "chapter-2"
    shutil.copytree(settings.PLAN_DATA_DIR, folder)
    shutil.copy(
        settings.BASE_DIR / "tests/fixtures/plans/kaku-city/pillar-2.yaml", folder / "pillar-5.yaml"
    )

    def chapter_2(data):
        data["priority_areas"] = [
            {"number": 2, "title": "第二の重点的取組（試験用）", "pillars": ["pillar-5.yaml"]}
        ]
        data.pop("community")
        data.pop("yasashii")  # its text is about chapter 1's pillars and indicators

    def as_pillar_5(data):
        data["number"] = 5
        data["indicators"][0]["code"] = "KPI-5-1"

    _edit(folder, "plan.yaml", chapter_2)
    _edit(folder, "pillar-5.yaml", as_pillar_5)
    before = counts()
    call_command("load_plan", str(folder), verbosity=0)

    shipped = Plan.objects.get(code=SHIPPED)
    assert list(shipped.priority_areas.values_list("number", flat=True)) == [1, 2]
    assert list(Pillar.objects.filter(plan=shipped).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert counts()["Indicator"] == before["Indicator"] + 1
    # The first chapter's folder, loaded again, changes nothing and keeps chapter 2.
    call_command("load_plan", "--check", verbosity=0)
    call_command("load_plan", verbosity=0)
    assert shipped.priority_areas.count() == 2

    # A chapter may not take a pillar number of a chapter it does not hold.
    _edit(folder, "pillar-5.yaml", lambda d: d.update(number=1))
    with pytest.raises(CommandError, match="施策1"):
        call_command("load_plan", str(folder), verbosity=0)


def test_codes_are_unique_within_their_plan_in_the_database():
    plan = Plan.objects.get(code=SHIPPED)
    pillar = Pillar.objects.get(plan=plan, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(code="KPI-1-1", name="twice", unit_id="%", pillar=pillar)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pillar.objects.create(
            priority_area=pillar.priority_area, number=1, title="twice", theme_id="elderly"
        )
    other = Plan.objects.create(code="other", title="別の計画")
    area = PriorityArea.objects.create(plan=other, number=1, title="t")
    twin = Pillar.objects.create(priority_area=area, number=1, title="t", theme_id="elderly")
    assert twin.plan == other
    assert (
        Indicator.objects.create(code="KPI-1-1", name="n", unit_id="%", pillar=twin).plan == other
    )


def test_load_plan_takes_a_folder_and_refuses_one_without_a_plan(tmp_path):
    call_command("load_plan", str(settings.PLAN_DATA_DIR), "--check", verbosity=0)
    with pytest.raises(CommandError, match=r"no plan\.yaml"):
        call_command("load_plan", str(tmp_path), verbosity=0)


# --- The municipality ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["431001", "431010", "431028", "431036", "431044", "431052", "011011", "991007"]
)
def test_municipality_codes_with_their_check_digit_validate(code):
    validate_municipality_code(code)


@pytest.mark.parametrize("code", ["431002", "431011", "431020", "431050", "011010"])
def test_a_wrong_check_digit_fails(code):
    with pytest.raises(ValidationError, match="検査数字"):
        validate_municipality_code(code)


@pytest.mark.parametrize("code", ["43100", "4310011", "43100a", "４３１００１", ""])
def test_a_code_that_is_not_six_digits_fails(code):
    with pytest.raises(ValidationError, match="6桁"):
        validate_municipality_code(code)


def test_a_data_file_with_a_wrong_code_is_refused_with_where(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, folder)
    _edit(folder, "municipality.yaml", lambda d: d["wards"][1].update(municipality_code="431029"))
    with pytest.raises(CommandError, match=r"municipality.yaml: wards\[1\]\.municipality_code"):
        call_command("load_plan", str(folder), verbosity=0)


def test_the_shipped_municipality_and_its_wards():
    municipality = Municipality.objects.get()
    assert (municipality.code, municipality.name, municipality.name_en) == (
        "431001",
        "熊本市",
        "Kumamoto City",
    )
    assert list(Ward.objects.values_list("name", "municipality_code")) == [
        ("中央区", "431010"),
        ("東区", "431028"),
        ("西区", "431036"),
        ("南区", "431044"),
        ("北区", "431052"),
    ]
    assert Plan.objects.get().municipality == municipality


def test_the_api_answers_the_municipality_and_each_ward_carries_its_code():
    anon = client_for()
    body = anon.get("/api/v1/municipality/").json()
    assert {k: body[k] for k in ("municipality_code", "name", "name_en", "prefecture")} == {
        "municipality_code": "431001",
        "name": "熊本市",
        "name_en": "Kumamoto City",
        "prefecture": "熊本県",
    }
    wards = anon.get("/api/v1/wards/").json()
    assert [w["municipality_code"] for w in wards] == [
        "431010",
        "431028",
        "431036",
        "431044",
        "431052",
    ]
    assert anon.get("/api/v1/wards/chuo/").json()["municipality_code"] == "431010"


def test_the_site_and_the_admin_are_named_after_the_plan(client, planner):
    from django.utils import translation

    home = client.get("/").content.decode()
    assert "<title>計画の概要 | 熊本市地域福祉計画</title>" in home
    assert '<p class="site-name"><a href="/">熊本市地域福祉計画</a></p>' in home
    client.force_login(planner)
    assert "熊本市地域福祉計画 進捗管理" in client.get("/admin/").content.decode()
    with translation.override("en"):
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kumamoto City Community Welfare Plan" in english
