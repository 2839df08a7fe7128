"""The prefecture's view (/pref/<code>/ and its API): the municipalities of one prefecture side
by side for a fiscal year, approved data only, in a number of queries that does not grow with
the number of municipalities.

The shipped plan's municipality (loaded for every test) is one; the others are made here, each
with a small plan of its own (one pillar, one indicator in 人)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from community.models import Municipality, municipality_code_check_digit
from evaluations.models import Evaluation
from indicators.choices import ProgressStatus
from indicators.models import CommonIndicator, Indicator, IndicatorValue, Target, Unit
from infrastructure.workflow import Status
from portal.prefecture import per_thousand, prefecture_year
from programs.models import Pillar, Plan, PriorityArea, Theme

pytestmark = pytest.mark.django_db

YEAR = 2015


def _code(first_five: str) -> str:
    return first_five + str(municipality_code_check_digit(first_five))


@pytest.fixture
def home():
    """The shipped plan's municipality, with a stated population."""
    municipality = Plan.objects.order_by("pk").first().municipality
    municipality.population = 700000
    municipality.population_as_of = datetime.date(2015, 10, 1)
    municipality.save()
    return municipality


@pytest.fixture
def common():
    return CommonIndicator.objects.create(
        code="test-count", name="テストの利用者数", name_en="Test users", unit="人",
        unit_kind="count", position=99,
    )  # fmt: skip


def town(first_five: str, name: str, *, prefecture: str, population: int | None = 20000):
    """A municipality with a plan (FY2013–2019) of one pillar and one indicator in 人:
    baseline 100 (2013), target 200 (2019), both the plan's and approved."""
    municipality = Municipality.objects.create(
        code=_code(first_five),
        name=name,
        name_en=f"{name} (en)",
        prefecture=prefecture,
        population=population,
        population_as_of=datetime.date(2015, 10, 1) if population else None,
    )
    plan = Plan.objects.create(
        code=f"plan-{municipality.code}",
        municipality=municipality,
        title=f"{name}地域福祉計画",
        period_start=2013,
        period_end=2019,
    )
    area = PriorityArea.objects.create(plan=plan, number=1, title="重点1")
    pillar = Pillar.objects.create(
        plan=plan, priority_area=area, number=1, title="施策1", theme=Theme.objects.first()
    )
    indicator = Indicator.objects.create(
        plan=plan,
        pillar=pillar,
        code="KPI-1-1",
        name=f"{name}の指標",
        unit=Unit.objects.get(symbol="人"),
    )
    IndicatorValue.objects.create(
        indicator=indicator,
        fiscal_year=2013,
        kind="baseline",
        value=Decimal(100),
        origin="plan",
        status=Status.APPROVED,
    )
    Target.objects.create(indicator=indicator, fiscal_year=2019, value=Decimal(200), origin="plan")
    return municipality


def actual(municipality, amount: str, *, status=Status.APPROVED, fiscal_year=YEAR, ward=None):
    indicator = Indicator.objects.get(plan__municipality=municipality, code="KPI-1-1")
    return IndicatorValue.objects.create(
        indicator=indicator,
        fiscal_year=fiscal_year,
        kind="actual",
        value=Decimal(amount),
        status=status,
        ward=ward,
    )


def mapped(municipality, common):
    indicator = Indicator.objects.get(plan__municipality=municipality, code="KPI-1-1")
    indicator.common = common
    indicator.full_clean()
    indicator.save()
    return indicator


@pytest.fixture
def neighbour(home, common):
    """A second municipality of the home prefecture, its indicator mapped to ``common``."""
    municipality = town(home.code[:2] + "998", "となり町", prefecture=home.prefecture)
    mapped(municipality, common)
    return municipality


@pytest.fixture
def stranger(home, common):
    """A municipality of another prefecture, with approved data of its own."""
    other = "01" if home.code[:2] != "01" else "02"
    municipality = town(other + "997", "よその町", prefecture="よその県")
    mapped(municipality, common)
    actual(municipality, "777")
    return municipality


def row_of(view, municipality):
    return next(r for r in view.municipalities if r.municipality == municipality)


def figure_of(view, common, municipality):
    row = next(r for r in view.common if r.common == common)
    return next(f for f in row.figures if f.municipality == municipality)


def test_both_municipalities_of_the_prefecture_and_no_other(home, neighbour, stranger, common):
    view = prefecture_year(home.code[:2], YEAR)
    assert [r.municipality for r in view.municipalities] == sorted(
        [home, neighbour], key=lambda m: m.code
    )
    assert view.name == home.prefecture
    response = APIClient().get(reverse("prefecture", args=[home.code[:2]]))
    assert response.status_code == 200
    page = response.content.decode()
    assert neighbour.name in page and home.name in page
    assert stranger.name not in page and "777" not in page
    # The common indicators some municipality maps get a table; the rest are named once.
    assert f'data-common="{common.code}"' in page
    assert 'data-common="childcare-waiting-children"' not in page
    assert "保育所等待機児童数" in page.split('class="prefecture-unmapped"')[1]


def test_approved_figures_show_drafts_and_submitted_never(home, neighbour, common, planner):
    actual(neighbour, "150")  # approved
    unapproved = {YEAR + 1: (Status.DRAFT, "4321"), YEAR + 2: (Status.SUBMITTED, "8765")}
    for fiscal_year, (status, amount) in unapproved.items():
        actual(neighbour, amount, status=status, fiscal_year=fiscal_year)
    for fiscal_year, (_status, amount) in unapproved.items():
        view = prefecture_year(home.code[:2], fiscal_year)
        assert view.fiscal_year == fiscal_year
        assert figure_of(view, common, neighbour).actual is None
        row = row_of(view, neighbour)
        # The verdict reads the approved 150 of 2015, the latest approved up to the year.
        assert row.by_status[ProgressStatus.NO_DATA] == 0
        for client in (APIClient(), _signed_in(planner)):
            for name in ("prefecture", "api-prefecture"):
                response = client.get(
                    reverse(name, args=[home.code[:2]]), {"fiscal_year": fiscal_year}
                )
                text = response.content.decode()
                assert response.status_code == 200
                assert amount not in text and f"{amount[0]},{amount[1:]}" not in text
    assert figure_of(prefecture_year(home.code[:2], YEAR), common, neighbour).actual == 150
    # Without a year asked for: the latest with approved data of any plan, not a draft's.
    from indicators.selectors import default_fiscal_year

    plans = Plan.objects.filter(municipality__in=[home, neighbour])
    assert default_fiscal_year(Plan.objects.get(municipality=neighbour)) == YEAR
    assert prefecture_year(home.code[:2]).fiscal_year == max(map(default_fiscal_year, plans))


def _signed_in(user):
    """A planner sees drafts on the city's pages; not on the prefecture's."""
    client = APIClient()
    client.force_login(user)
    return client


def test_indicators_by_status_are_the_verdict_of_the_pages(home, neighbour):
    from indicators.selectors import indicators_with_progress

    actual(neighbour, "150")
    view = prefecture_year(home.code[:2], YEAR)
    for municipality in (home, neighbour):
        plan = Plan.objects.filter(municipality=municipality).order_by("pk").first()
        expected = dict.fromkeys(ProgressStatus.values, 0)
        for _indicator, progress in indicators_with_progress(up_to=YEAR, plan=plan):
            expected[progress.status.value] += 1
        assert row_of(view, municipality).by_status == expected
    assert row_of(view, neighbour).plan.period_start == 2013


def test_per_thousand_residents_for_a_count(home, neighbour, common):
    actual(neighbour, "150")
    view = prefecture_year(home.code[:2], YEAR)
    figure = figure_of(view, common, neighbour)
    assert figure.actual == Decimal(150)
    assert figure.target.value == Decimal(200) and figure.target.fiscal_year == 2019
    assert figure.per_thousand == Decimal("7.50")  # 150 / 20,000 × 1,000
    assert per_thousand(Decimal(1), 3) == Decimal("333.33")


def test_no_per_thousand_without_population_or_for_a_rate(home, common):
    town(home.code[:2] + "996", "人口なし町", prefecture=home.prefecture, population=None)
    municipality = Municipality.objects.get(name="人口なし町")
    mapped(municipality, common)
    actual(municipality, "150")
    view = prefecture_year(home.code[:2], YEAR)
    assert figure_of(view, common, municipality).actual == Decimal(150)
    assert figure_of(view, common, municipality).per_thousand is None
    rate = CommonIndicator.objects.get(code="welfare-commissioner-fill-rate")
    assert not rate.per_resident
    assert all(f.per_thousand is None for f in figure_of_row(view, rate))


def figure_of_row(view, common):
    return next(r for r in view.common if r.common == common).figures


def test_a_mapping_to_a_common_indicator_of_another_kind_is_refused(neighbour):
    from django.core.exceptions import ValidationError

    rate = CommonIndicator.objects.get(code="welfare-commissioner-fill-rate")
    with pytest.raises(ValidationError) as raised:
        mapped(neighbour, rate)
    assert "common" in raised.value.message_dict


def test_evaluations_and_the_final_report(home, neighbour):
    plan = Plan.objects.get(municipality=neighbour)
    pillar = plan.pillars.get()
    view = prefecture_year(home.code[:2], YEAR)
    row = row_of(view, neighbour)
    assert (row.evaluations_expected, row.evaluations_written, row.evaluations_approved) == (
        1,
        0,
        0,
    )
    assert not row.report_final
    evaluation = Evaluation.objects.create(
        pillar=pillar, fiscal_year=YEAR, stage="secondary", status=Status.SUBMITTED
    )
    row = row_of(prefecture_year(home.code[:2], YEAR), neighbour)
    assert (row.evaluations_written, row.evaluations_approved, row.report_final) == (1, 0, False)
    evaluation.status = Status.APPROVED
    evaluation.save()
    row = row_of(prefecture_year(home.code[:2], YEAR), neighbour)
    assert (row.evaluations_written, row.evaluations_approved, row.report_final) == (1, 1, True)
    # The same rule as the report's 案 mark.
    from evaluations.selectors import evaluations_complete

    assert evaluations_complete(fiscal_year=YEAR, plan=plan) is True
    assert row_of(prefecture_year(home.code[:2], YEAR), home).report_final is (
        evaluations_complete(fiscal_year=YEAR, plan=Plan.objects.filter(municipality=home).first())
    )
    page = APIClient().get(reverse("prefecture", args=[home.code[:2]]), {"fiscal_year": YEAR})
    assert "確定" in page.content.decode()


def test_the_api_answers_as_the_page(home, neighbour, common):
    actual(neighbour, "150")
    code = home.code[:2]
    data = APIClient().get(reverse("api-prefecture", args=[code]), {"fiscal_year": "H27"}).json()
    view = prefecture_year(code, YEAR)
    assert data["fiscal_year"] == YEAR
    assert [m["code"] for m in data["municipalities"]] == [
        r.municipality.code for r in view.municipalities
    ]
    for found, row in zip(data["municipalities"], view.municipalities, strict=True):
        assert found["by_status"] == row.by_status
        assert found["report_final"] == row.report_final
    entry = next(c for c in data["common_indicators"] if c["code"] == common.code)
    figure = next(f for f in entry["figures"] if f["municipality"] == neighbour.code)
    assert Decimal(figure["actual"]) == Decimal(150)
    assert Decimal(figure["per_thousand"]) == Decimal("7.50")
    assert figure["target"]["fiscal_year"] == 2019
    page = APIClient().get(reverse("prefecture", args=[code]), {"fiscal_year": "H27"})
    text = page.content.decode()
    assert "7.50" in text and "150人" in text


def test_the_page_in_english(home, neighbour, common):
    actual(neighbour, "150")
    client = APIClient()
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = client.get(reverse("prefecture", args=[home.code[:2]]), {"fiscal_year": YEAR})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Test users" in text
    assert f"{neighbour.name} (en)" in text
    assert "FY2015" in text
    assert "per 1,000 residents" in text and "of which approved" in text


def test_an_unknown_prefecture_is_a_404(home):
    for code in ("00", "4", "abc", "999"):
        assert APIClient().get(f"/pref/{code}/").status_code == 404
        assert APIClient().get(f"/api/v1/pref/{code}/").status_code == 404
    unused = next(f"{n:02d}" for n in range(1, 48) if f"{n:02d}" != home.code[:2])
    assert APIClient().get(f"/pref/{unused}/").status_code == 404


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {"fiscal_year": YEAR}).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_municipalities(home, common, planner):
    code = home.code[:2]
    town(code + "998", "一の町", prefecture=home.prefecture)
    mapped(Municipality.objects.get(name="一の町"), common)
    # Signed in, so that no copy is served from the anonymous response cache.
    client = _signed_in(planner)
    page, api = f"/pref/{code}/", f"/api/v1/pref/{code}/"
    _queries(client, page), _queries(client, api)  # warm what every page caches (the rule)
    few = (_queries(client, page), _queries(client, api))
    for n, first_five in enumerate(("996", "995", "994")):
        municipality = town(code + first_five, f"町{n}", prefecture=home.prefecture)
        mapped(municipality, common)
        actual(municipality, "120")
    _queries(client, page), _queries(client, api)  # the new data's generation: warm again
    many = (_queries(client, page), _queries(client, api))
    assert len(prefecture_year(code, YEAR).municipalities) == 5
    assert many == few
    assert few[0] > 0


# --- The plan folder: the population, and an indicator's common indicator -------------------


def _edited_plan(tmp_path, name, change):
    import shutil

    import yaml
    from django.conf import settings

    folder = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, folder)
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _load(folder):
    from django.core.management import call_command

    call_command("load_plan", "--data", str(folder), verbosity=0)


def test_municipality_yaml_may_state_the_population_with_its_date():
    from pathlib import Path

    from community.plan_folder import municipality_read_from_plan
    from infrastructure.plan_folder import PlanFolder

    hinata = Path(__file__).parent / "fixtures" / "plans" / "hinata-town"
    data = municipality_read_from_plan(PlanFolder(hinata))
    assert (data.population, data.population_as_of) == (8420, datetime.date(2020, 10, 1))


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ({"population": 5000}, "population_as_of"),
        ({"population_as_of": "2020-10-01"}, "population"),
        ({"population": 0, "population_as_of": "2020-10-01"}, "population"),
        ({"population": "many", "population_as_of": "2020-10-01"}, "population"),
        ({"population": 5000, "population_as_of": "October 2020"}, "population_as_of"),
    ],
)
def test_a_population_without_its_date_or_not_a_count_is_refused(given, refused):
    from community.plan_folder import _population
    from infrastructure.plan_folder import Node, PlanDataError

    with pytest.raises(PlanDataError, match=rf"\.?{refused}:"):
        _population(Node(given, "municipality.yaml", ""))


def test_load_plan_writes_the_population(tmp_path, home):
    def state(data):
        data["population"] = 123456
        data["population_as_of"] = "2015-10-01"

    _load(_edited_plan(tmp_path, "municipality.yaml", state))
    home.refresh_from_db()
    assert (home.population, home.population_as_of) == (123456, datetime.date(2015, 10, 1))


def _indicator_entry(data, code):
    for item in data.get("indicators", []):
        if item["code"] == code:
            return item
    for section in data.get("sections", []):
        for item in section.get("indicators", []):
            if item["code"] == code:
                return item
    raise KeyError(code)


def test_the_plan_folder_may_map_an_indicator_to_a_common_one(tmp_path, common, planner):
    kpi = Indicator.objects.get(plan=Plan.objects.order_by("pk").first(), code="KPI-3-1")
    assert kpi.common is None
    folder = _edited_plan(
        tmp_path,
        "pillar-3.yaml",
        lambda d: _indicator_entry(d, "KPI-3-1").update(common="test-count"),
    )
    _load(folder)
    kpi.refresh_from_db()
    assert kpi.common == common


@pytest.mark.parametrize("code", ["no-such-common", "welfare-commissioner-fill-rate"])
def test_an_unknown_common_indicator_or_one_of_another_kind_stops_loading(tmp_path, code):
    from django.core.management.base import CommandError

    folder = _edited_plan(
        tmp_path, "pillar-3.yaml", lambda d: _indicator_entry(d, "KPI-3-1").update(common=code)
    )
    with pytest.raises(CommandError, match="KPI-3-1: common"):
        _load(folder)
    kpi = Indicator.objects.get(plan=Plan.objects.order_by("pk").first(), code="KPI-3-1")
    assert kpi.common is None


def test_the_schema_documents_the_prefecture(home):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = schema.json()["paths"]["/api/v1/pref/{prefecture}/"]["get"]
    assert operation["operationId"] == "prefecture_retrieve"
    assert {p["name"] for p in operation["parameters"]} >= {"prefecture", "fiscal_year"}
