"""Units and themes are plan data (issue 20 item 6): plan.yaml declares the units its
indicators use, each with its kind and decimals, and the themes its pillars belong to; the
loader checks every plan value against its unit; pages, charts, the API and the open data
follow the declaration. A money unit (円) proves it on the fictional city of
tests/fixtures/plans/kaku-city/, extended here in a copy."""

from __future__ import annotations

import copy
import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from community.access import Role
from community.services import staff_create
from indicators.models import Indicator, IndicatorValue, Unit
from infrastructure.plan_folder import PlanDataError
from portal.plan_loading import plan_document_read
from programs.models import Pillar, Theme
from tests.api.conftest import client_for
from tests.conftest import PASSWORD
from tests.test_second_city import KAKU, empty_the_database

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parent.parent / "programs" / "data" / "plan"

# An indicator counted in money, added to the fictional city's pillar 2.
MONEY_INDICATOR = {
    "code": "KPI-2-2",
    "name": "子育て支援事業の事業費",
    "unit": "円",
    "direction": "increase",
    "values": [
        {"kind": "baseline", "fiscal_year": 2023, "value": "1250000"},
        {"kind": "target", "fiscal_year": 2029, "value": "2000000"},
    ],
}


def kaku_copy(tmp_path: Path, change=None) -> Path:
    """The fictional city's folder, copied, with the money indicator added to pillar 2, and
    ``change(files)`` applied to its files ({name: data}) before they are written back."""
    folder = tmp_path / "kaku"
    shutil.copytree(KAKU, folder)
    files = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yaml")}
    files["pillar-2.yaml"]["indicators"].append(copy.deepcopy(MONEY_INDICATOR))
    if change:
        change(files)
    for name, data in files.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def read_error(folder: Path) -> str:
    with pytest.raises(PlanDataError) as error:
        plan_document_read(folder)
    return str(error.value)


# --- The shipped plan ------------------------------------------------------------------------


def test_the_shipped_plan_declares_its_units_and_themes():
    assert {u.symbol: (u.label, u.label_en, u.kind, u.decimals) for u in Unit.objects.all()} == {
        "%": ("％", "%", "percentage", 2),
        "人": ("人", "people", "count", 0),
        "校区": ("校区", "school districts", "count", 0),
        "件": ("件", "cases", "count", 0),
        "回": ("回", "times", "count", 0),
        "か所": ("か所", "places", "count", 0),
    }
    assert dict(Theme.objects.values_list("code", "name")) == {
        "elderly": "高齢者",
        "disability": "障がい者",
        "children": "子ども・子育て",
        "health": "健康づくり",
    }
    call_command("load_plan", "--check", verbosity=0)  # the migration's rows are the folder's


def test_the_api_keeps_the_unit_as_its_symbol_and_adds_its_kind(client):
    body = client.get("/api/v1/indicators/KPI-1-1/").json()
    assert (body["unit"], body["unit_label"], body["unit_kind"]) == ("%", "％", "percentage")
    assert body["decimal_places"] == 2
    by_unit = client.get("/api/v1/indicators/", {"unit": "人"}).json()
    assert [i["code"] for i in by_unit] == ["KPI-3-1", "KPI-4-2"]
    pillar = client.get("/api/v1/pillars/1/").json()
    assert (pillar["theme"], pillar["theme_label"]) == ("elderly", "高齢者")
    english = client.get("/api/v1/pillars/1/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["theme_label"] == "Elderly"


def test_an_entry_is_checked_against_its_unit(planner):
    kpi = Indicator.objects.get(code="KPI-1-1")  # ％, two decimals
    for wrong, message in (
        ("100.5", "割合は0〜100の範囲で入力してください。"),
        ("45.123", "％の値は小数第2位までで入力してください。"),
    ):
        record = IndicatorValue(indicator=kpi, fiscal_year=2016, kind="actual", value=wrong)
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert error.value.message_dict["value"] == [message]
    IndicatorValue(indicator=kpi, fiscal_year=2016, kind="actual", value="45.12").full_clean()
    count = Indicator.objects.get(code="KPI-3-1")
    record = IndicatorValue(indicator=count, fiscal_year=2016, kind="actual", value="1.5")
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert error.value.message_dict["value"] == ["人の数は0以上の整数で入力してください。"]


# --- The loader's checks ---------------------------------------------------------------------


def _units(files) -> dict:
    return {unit["symbol"]: unit for unit in files["plan.yaml"]["units"]}


def _kpi(files, code="KPI-2-2") -> dict:
    return next(i for i in files["pillar-2.yaml"]["indicators"] if i["code"] == code)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f["plan.yaml"].update(
                units=[u for u in f["plan.yaml"]["units"] if u["symbol"] != "円"]
            ),
            "pillar-2.yaml: indicators[1].unit: '円' is not one of plan.yaml's units (%, 人)",
        ),
        (
            lambda f: _kpi(f)["values"][0].update(value="-1"),
            "pillar-2.yaml: indicators[1].values[0].value: -1 (円, money): "
            "円の金額は0以上で入力してください。",
        ),
        (
            lambda f: _kpi(f)["values"][0].update(value="1250000.5"),
            "円の値は整数で入力してください。",
        ),
        (
            lambda f: _kpi(f, "KPI-2-1")["values"][1].update(value="100.1"),
            "indicators[0].values[1].value: 100.1 (%, percentage): 割合は0〜100の範囲",
        ),
        (
            lambda f: _kpi(f, "KPI-2-1")["values"][0].update(value="55.00"),
            "55.00 (%, percentage): printed with more decimals than the unit's 1",
        ),
        (
            lambda f: _units(f)["人"].update(decimals=1),
            "plan.yaml: units[1].decimals: a count is a whole number: 0",
        ),
        (
            lambda f: _units(f)["円"].update(kind="weight"),
            "plan.yaml: units[2].kind: 'weight' is not one of count, measure, money, percentage",
        ),
        (
            lambda f: f["plan.yaml"]["units"].append(dict(_units(f)["円"])),
            "plan.yaml: units: symbols used twice: 円",
        ),
        (
            lambda f: f["pillar-2.yaml"].update(theme="health"),
            "pillar-2.yaml: theme: 'health' is not one of plan.yaml's themes (children, elderly)",
        ),
        (
            lambda f: f["plan.yaml"]["themes"][0].update(code="Elderly Care"),
            "plan.yaml: themes[0].code: 'Elderly Care': lower-case letters, digits and -",
        ),
    ],
)
def test_the_loader_refuses_what_the_units_and_themes_do_not_allow(tmp_path, change, message):
    assert message in read_error(kaku_copy(tmp_path, change))


# --- A money unit, end to end ----------------------------------------------------------------


@pytest.fixture
def money_city(tmp_path):
    empty_the_database()
    call_command("load_plan", str(kaku_copy(tmp_path)), verbosity=0)
    return Indicator.objects.get(code="KPI-2-2")


def test_a_money_unit_is_loaded_as_declared(money_city):
    assert (money_city.unit_id, money_city.unit.kind, money_city.decimal_places) == (
        "円",
        "money",
        0,
    )
    assert money_city.unit.summed  # the city's amount is the sum of its wards'
    assert set(Unit.objects.values_list("symbol", flat=True)) == {"%", "人", "円"}
    assert dict(Theme.objects.values_list("code", "name")) == {
        "elderly": "高齢者福祉",
        "children": "子育て支援",
    }
    assert Pillar.objects.get(number=2).get_theme_display() == "子育て支援"


def test_a_money_figure_on_the_page_in_the_api_and_in_the_open_data(client, money_city):
    page = client.get("/indicators/KPI-2-2/").content.decode()
    assert "1,250,000円" in page and "2,000,000円" in page
    body = client.get("/api/v1/indicators/KPI-2-2/").json()
    assert (body["unit"], body["unit_label"], body["unit_kind"]) == ("円", "円", "money")
    assert body["baseline"]["value"] in ("1250000", 1250000)
    english = client.get("/api/v1/indicators/KPI-2-2/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["unit_label"] == "yen"
    response = client.get("/opendata/indicators.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if "KPI-2-2" in r.values()]
    assert (row["単位"], row["単位の種類"], row["小数点以下の桁数"]) == ("円", "金額", "0")


def test_a_money_entry_is_checked_against_its_unit(money_city):
    planner = staff_create(username="kaku_money_planner", role=Role.PLANNER, password=PASSWORD)
    api = client_for(planner)
    entry = {"indicator": "KPI-2-2", "fiscal_year": 2025, "kind": "actual"}
    for wrong, message in (
        ("-5", "円の金額は0以上で入力してください。"),
        ("1300000.5", "円の値は整数で入力してください。"),
    ):
        response = api.post("/api/v1/indicator-values/", entry | {"value": wrong}, format="json")
        assert response.status_code == 400, response.content
        assert message in response.content.decode()
    created = api.post("/api/v1/indicator-values/", entry | {"value": "1300000"}, format="json")
    assert created.status_code == 201, created.content
    assert IndicatorValue.objects.get(pk=created.json()["id"]).value == Decimal("1300000")


def test_a_plan_that_declares_no_unit_of_its_indicator_is_refused_whole(tmp_path):
    empty_the_database()
    folder = kaku_copy(
        tmp_path, lambda f: f["plan.yaml"].update(units=[_units(f)["%"], _units(f)["人"]])
    )
    with pytest.raises(CommandError, match=r"'円' is not one of plan\.yaml's units"):
        call_command("load_plan", str(folder), verbosity=0)
    assert not Indicator.objects.exists() and not Unit.objects.exists()
