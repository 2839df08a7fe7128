"""One description of a change (``infrastructure.changes``), the same through every door.

Before it, four pieces of code worded a change each their own way and disagreed: a version
conflict said 「年度: 2015 → 2016」 and 「値: 18.2 → 22」 (no era, not the indicator's
decimals, 「（空欄）」 for nothing), the history 「2015年度（平成27年度）」 and 「22.0」, the
import preview 「値: 18.2 → 22」 and an empty string for nothing, and the plan loader's report
said nothing of what a row changed. Each door test below fails on that code.
"""

import datetime
import re
import shutil
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from community.models import CommunityResource
from indicators.models import Indicator, IndicatorValue, Target
from indicators.services import indicator_value_update
from infrastructure.changes import (
    FieldChange,
    describe,
    field_change,
    places_of,
    value_words,
)
from infrastructure.imports import run_import
from programs.models import Plan
from tests.factories import value, ward
from tests.imports.files import INDICATOR_HEADERS, csv_bytes

pytestmark = pytest.mark.django_db

VALUES = "admin:indicators_indicatorvalue"
API = "/api/v1/indicator-values/"

# KPI-3-2 prints one decimal (18.2％, 26.0％): 22 reads 22.0.
VALUE_CHANGE = "値：18.2 → 22.0"
YEAR_CHANGE = "2015年度（平成27年度） → 2016年度（平成28年度）"


def text_of(html: str) -> str:
    """A page's text without its tags (the history sets the label in bold)."""
    return re.sub(r"<[^>]+>", "", html)


def form_data(record: IndicatorValue, **fields) -> dict:
    data = {
        "indicator": record.indicator_id,
        "fiscal_year": str(record.fiscal_year),
        "kind": record.kind,
        "ward": record.ward_id or "",
        "value": str(record.value),
        "note": record.note,
        "as_of": "",
        "source": "",
        "expected_version": record.version,
    }
    return {**data, **fields}


def conflict_message(client, officer, planner, **change) -> str:
    """The admin's message when the officer saves version 1 after the planner saved
    ``change``."""
    record = value(indicator="KPI-3-2", amount="18.2", ward_code="chuo")
    opened = form_data(record, note="私の変更")
    indicator_value_update(user=planner, record=record, expected_version=1, **change)
    client.force_login(officer)
    response = client.post(reverse(f"{VALUES}_change", args=[record.pk]), opened)
    assert response.status_code == 200
    return " ".join(response.context["adminform"].form.non_field_errors())


def history_text(client, planner, **change) -> str:
    record = value(indicator="KPI-3-2", amount="18.2", ward_code="chuo")
    indicator_value_update(user=planner, record=record, expected_version=1, **change)
    client.force_login(planner)
    page = client.get(reverse(f"{VALUES}_history", args=[record.pk]))
    assert page.status_code == 200
    return text_of(page.content.decode())


@pytest.fixture
def plan_copy(tmp_path):
    target = tmp_path / "plan"
    shutil.copytree(settings.PLAN_DATA_DIR, target)
    return target


def edit(directory, name, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def load_plan(directory) -> str:
    out = StringIO()
    call_command("load_plan", "--data", str(directory), stdout=out)
    return out.getvalue()


def set_period_start(year):
    def change(data):
        data["plan"]["period_start"] = year

    return change


def set_kpi_3_2_baseline(amount):
    def change(data):
        indicators = [i for section in data["sections"] for i in section["indicators"]]
        (indicator,) = (i for i in indicators if i["code"] == "KPI-3-2")
        indicator["values"][0]["value"] = amount

    return change


# --- A value: in its indicator's decimals, through each door ----------------------------------


def test_a_conflict_words_a_value_in_its_indicators_decimals(client, chuo_officer, planner):
    """Was 「値: 18.2 → 22」 (the figure as stored, without the indicator's decimals)."""
    message = conflict_message(client, chuo_officer, planner, value=Decimal("22"))
    assert "他の人が更新しました" in message and VALUE_CHANGE in message


def test_the_apis_conflict_words_it_the_same(client, chuo_officer, planner):
    """The 412 carries the same words beside the stored values (it had only the values)."""
    record = value(indicator="KPI-3-2", amount="18.2", ward_code="chuo")
    etag = record.etag
    indicator_value_update(user=planner, record=record, expected_version=1, value=Decimal(22))
    client.force_login(chuo_officer)
    stale = client.patch(
        f"{API}{record.pk}/",
        {"note": "私の変更"},
        HTTP_IF_MATCH=etag,
        content_type="application/json",
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["changes_in_words"] == [VALUE_CHANGE]


def test_the_history_words_a_value_the_same(client, planner):
    assert VALUE_CHANGE in history_text(client, planner, value=Decimal("22"))


def test_the_import_preview_words_a_value_the_same(client, chuo_officer):
    """Was 「値: 18.2 → 22」: the preview showed the figure without its decimals."""
    value(indicator="KPI-3-2", amount="18.2", ward_code="chuo")
    rows = [INDICATOR_HEADERS, ["KPI-3-2", "", "中央区", "2015", "実績", "22", ""]]
    report = run_import(data=csv_bytes(rows), filename="v.csv", user=chuo_officer, dry_run=True)
    assert [c.text for c in report.rows[0].changes] == [VALUE_CHANGE]
    # And the admin's preview page shows those words.
    client.force_login(chuo_officer)
    upload = SimpleUploadedFile("v.csv", csv_bytes(rows))
    page = client.post("/admin/indicators/indicatorvalue/import/", {"file": upload})
    assert VALUE_CHANGE in text_of(page.content.decode())


def test_the_plan_loaders_report_words_a_value_the_same(plan_copy):
    """load_plan reported counts only, never what a row changed."""
    edit(plan_copy, "pillar-3.yaml", set_kpi_3_2_baseline("22"))
    out = load_plan(plan_copy)
    assert f"  {VALUE_CHANGE}" in out.splitlines()
    baseline = IndicatorValue.objects.get(indicator__code="KPI-3-2", kind="baseline")
    assert baseline.value == 22


# --- A fiscal year: with its era, through each door -------------------------------------------


def test_a_conflict_words_a_fiscal_year_with_its_era(client, chuo_officer, planner):
    """Was 「年度: 2015 → 2016」."""
    message = conflict_message(client, chuo_officer, planner, fiscal_year=2016)
    assert f"年度：{YEAR_CHANGE}" in message


def test_the_history_words_a_fiscal_year_the_same(client, planner):
    assert f"年度：{YEAR_CHANGE}" in history_text(client, planner, fiscal_year=2016)


def test_the_plan_loaders_report_words_a_fiscal_year_the_same(plan_copy):
    edit(plan_copy, "plan.yaml", set_period_start(2015))
    load_plan(plan_copy)
    edit(plan_copy, "plan.yaml", set_period_start(2016))
    out = load_plan(plan_copy)
    label = Plan._meta.get_field("period_start").verbose_name
    assert f"  {label}：{YEAR_CHANGE}" in out.splitlines()


# No import sheet changes a fiscal year (it is part of every sheet's key): the preview's
# fiscal-year wording is that of ``field_change``, tested below.


# --- English -----------------------------------------------------------------------------------


def test_a_conflict_in_english(client, chuo_officer, planner):
    client.cookies["django_language"] = "en"
    message = conflict_message(client, chuo_officer, planner, fiscal_year=2016)
    assert "Fiscal year: FY2015 (Heisei 27) → FY2016 (Heisei 28)" in message


def test_the_history_in_english(client, planner):
    client.cookies["django_language"] = "en"
    text = history_text(client, planner, value=Decimal("22"), ward=None)
    assert "Value: 18.2 → 22.0" in text
    assert "Ward: Chuo Ward → City-wide" in text


def test_the_import_preview_in_english(chuo_officer):
    value(indicator="KPI-3-2", amount="18.2", ward_code="chuo")
    rows = [INDICATOR_HEADERS, ["KPI-3-2", "", "中央区", "2015", "実績", "22", "確認"]]
    with translation.override("en"):
        report = run_import(data=csv_bytes(rows), filename="v.csv", user=chuo_officer, dry_run=True)
    assert [c.text for c in report.rows[0].changes] == ["Value: 18.2 → 22.0", "Note: — → 確認"]


# --- The module -----------------------------------------------------------------------------


def kpi_3_2_value(**fields) -> IndicatorValue:
    return IndicatorValue(indicator=Indicator.objects.get(code="KPI-3-2"), **fields)


def test_a_figure_in_the_decimals_its_record_declares():
    record = kpi_3_2_value()
    assert places_of(record) == 1
    assert field_change(record, "value", Decimal("18.2000"), Decimal(22)) == FieldChange(
        "value", "値", "18.2", "22.0"
    )
    # Passed in by the caller, or none: as it is, without trailing zeros.
    assert field_change(record, "value", Decimal("1234.5"), None, places=2).text == (
        "値：1,234.50 → —"
    )
    assert field_change(IndicatorValue, "value", Decimal("22.0000"), Decimal("1234")).text == (
        "値：22 → 1,234"
    )


def test_a_past_version_declares_its_decimals_as_its_record_does():
    record = value(indicator="KPI-3-2", amount="18.2")
    assert places_of(record.history.first()) == 1


def test_fiscal_years_by_name_or_as_the_model_declares():
    assert field_change(IndicatorValue, "fiscal_year", 2015, 2016).text == f"年度：{YEAR_CHANGE}"
    assert field_change(Target, "revised_in", None, 2019).text == (
        "見直した年度：— → 2019年度（令和元年度）"
    )

    # A model that declares no fiscal years (a stand-in: its fields are IndicatorValue's).
    Declared = type("Declared", (), {"_meta": IndicatorValue._meta, "FISCAL_YEAR_FIELDS": ()})

    assert field_change(Declared, "fiscal_year", 2015, 2016).text == "年度：2,015 → 2,016"


def test_choices_booleans_foreign_keys_and_nothing():
    assert (
        field_change(IndicatorValue, "kind", "baseline", "actual").text == "種別：基準値 → 実績値"
    )
    assert field_change(IndicatorValue, "status", "draft", "approved").text == (
        "状態：下書き → 承認済み"
    )
    assert field_change(CommunityResource, "consultation", False, True).text == (
        "相談窓口：いいえ → はい"
    )
    chuo = ward("chuo")
    # A foreign key by its object or by its key (a conflict's values), empty as the field
    # says (a ward left empty: the city as a whole).
    assert field_change(IndicatorValue, "ward", chuo, None).text == "区：中央区 → 市全体"
    assert field_change(IndicatorValue, "ward_id", None, chuo.pk).text == "区：市全体 → 中央区"
    assert field_change(IndicatorValue, "note", "", "訂正").text == "備考：— → 訂正"


def test_long_text_is_shortened_around_the_difference():
    before, after = "あ" * 150 + "前", "あ" * 150 + "後"
    change = field_change(IndicatorValue, "note", before, after)
    assert len(change.old) <= 100 and change.old.endswith("前") and change.new.endswith("後")


def test_dates_lists_and_counted_records():
    field = IndicatorValue._meta.get_field("computation")
    counted = [{"label": "A校区：活動の展開"}, {"label": "B校区：活動の展開"}]
    assert value_words(field, counted) == "A校区：活動の展開、B校区：活動の展開"
    assert value_words(field, []) == "—"
    created = IndicatorValue._meta.get_field("created_at")
    assert value_words(created, datetime.date(2016, 4, 1)) == "2016年4月1日"


def test_describe_keeps_the_order_and_the_records_decimals():
    record = kpi_3_2_value()
    changes = describe(record, {"note": ("", "a"), "value": (Decimal(1), Decimal(2))})
    assert [c.text for c in changes] == ["備考：— → a", "値：1.0 → 2.0"]


def test_the_module_in_english():
    with translation.override("en"):
        assert field_change(IndicatorValue, "fiscal_year", 2015, 2016).text == (
            "Fiscal year: FY2015 (Heisei 27) → FY2016 (Heisei 28)"
        )
        assert field_change(IndicatorValue, "ward", None, ward("chuo")).text == (
            "Ward: City-wide → Chuo Ward"
        )
        assert field_change(CommunityResource, "consultation", True, False).text == (
            "Consultation desk: Yes → No"
        )
