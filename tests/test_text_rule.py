"""The text rule at every door, and exports that survive what is already stored (issue 18,
item 5, part of items 6 and 8).

Item 5: the API took ``\\x01`` in a target's reason; the stored reason then made every
/reports/<year>.xlsx a 500 (openpyxl's IllegalCharacterError) and failed the stored-report
job. Item 8: a transition comment with a NUL, an unpaired surrogate or 100,000 characters
was a 500.
"""

import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from openpyxl import load_workbook

from evaluations.models import Evaluation
from indicators.admin import TargetForm
from indicators.models import Indicator, IndicatorValue, IndicatorValueTransition, Target
from infrastructure.imports import run_import
from infrastructure.text import MAX_COMMENT, MAX_EVALUATION, MAX_REASON
from infrastructure.workflow import Status
from portal import open_data
from portal.annual_reports import annual_report_generate
from programs.models import AnnualReportStatus
from tests.api.conftest import client_for
from tests.factories import evaluation, value
from tests.imports.files import INDICATOR_HEADERS, csv_bytes, errors_of

pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/indicators/KPI-1-1/targets/"
REVISION = {"value": "80.25", "fiscal_year": 2022, "revised_in": 2018, "reason": "延長"}


def _error_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1b", "\x7f", "\x00"])
def test_a_target_reason_with_a_control_character_is_a_400_naming_the_field(planner, character):
    """Item 5: the API accepted \\x01, \\x0b, \\x1b, \\x7f in a target's reason."""
    response = client_for(planner).post(
        TARGETS, {**REVISION, "reason": f"延{character}長"}, format="json"
    )
    fields = _error_fields(response)
    assert list(fields) == ["reason"]
    assert any(f"U+{ord(character):04X}" in message for message in fields["reason"])
    assert not Target.objects.filter(revised_in=2018).exists()


def test_a_target_reason_over_its_limit_is_a_400(planner):
    """Item 6: a 100,000-character target reason was stored."""
    client = client_for(planner)
    fields = _error_fields(client.post(TARGETS, {**REVISION, "reason": "あ" * 100_000}, "json"))
    assert list(fields) == ["reason"]
    fine = client.post(TARGETS, {**REVISION, "reason": "あ" * MAX_REASON}, format="json")
    assert fine.status_code == 201, fine.json()


def test_an_evaluation_text_over_its_limit_or_with_a_control_character_is_a_400(planner):
    client = client_for(planner)
    example = {"fiscal_year": 2016, "pillar": 1, "stage": "secondary", "rating": "B"}
    too_long = client.post(
        "/api/v1/evaluations/", {**example, "analysis": "a" * (MAX_EVALUATION + 1)}, "json"
    )
    assert list(_error_fields(too_long)) == ["analysis"]
    control = client.post("/api/v1/evaluations/", {**example, "issues": "a\x1bb"}, "json")
    assert list(_error_fields(control)) == ["issues"]
    assert not Evaluation.objects.exists()


def test_an_indicator_value_note_in_english_names_the_character(chuo_officer):
    entry = {
        "indicator": "KPI-3-1",
        "ward": "中央区",
        "fiscal_year": 2015,
        "kind": "actual",
        "value": "115000",
        "note": "a\x7f",
    }
    response = client_for(chuo_officer).post(
        "/api/v1/indicator-values/", entry, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert _error_fields(response) == {"note": ["A control character (U+007F) is not allowed."]}


# --- the workflow's comment ------------------------------------------------------------------


def _submit(client, record, body: str, **headers):
    return client.post(
        f"/api/v1/indicator-values/{record.pk}/submit/",
        data=body,
        content_type="application/json",
        HTTP_IF_MATCH=record.etag,
        **headers,
    )


@pytest.mark.parametrize(
    "comment",
    ["確認\x00しました", "確認\x01", "a" * 100_000],
    ids=["nul", "control", "100000-characters"],
)
def test_a_bad_comment_is_a_400_naming_the_comment(chuo_officer, comment):
    """Item 8: a comment with a NUL or 100,000 characters was a 500 (PostgreSQL)."""
    record = value(ward_code="chuo")
    version = record.version
    response = _submit(client_for(chuo_officer), record, json.dumps({"comment": comment}))
    assert list(_error_fields(response)) == ["comment"]
    record.refresh_from_db()
    assert (record.status, record.version) == (Status.DRAFT, version)
    assert not IndicatorValueTransition.objects.filter(record=record).exists()


def test_an_unpaired_surrogate_in_json_is_a_400(chuo_officer):
    """Item 8: "\\ud800" as a JSON escape was a 500 (86 s on SQLite)."""
    record = value(ward_code="chuo")
    response = _submit(client_for(chuo_officer), record, '{"comment": "a\\ud800b"}')
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "comment" in message and "U+D800" in message
    nested = client_for(chuo_officer).post(
        "/api/v1/indicator-values/",
        data='{"note": ["ok", {"\\udfff": 1}]}',
        content_type="application/json",
    )
    assert nested.status_code == 400 and "U+DFFF" in nested.json()["error"]["message"]
    record.refresh_from_db()
    assert record.status == Status.DRAFT


def test_a_comment_at_its_limit_is_kept_whole(chuo_officer):
    """The record's change reason (simple-history, 100 characters) holds the comment's start
    only; a comment past 100 characters was a 500 on PostgreSQL."""
    record = value(ward_code="chuo")
    comment = "確" * MAX_COMMENT
    response = _submit(client_for(chuo_officer), record, json.dumps({"comment": comment}))
    assert response.status_code == 200, response.content
    assert IndicatorValueTransition.objects.get(record=record).comment == comment
    assert len(record.history.latest().history_change_reason) == 100


# --- the admin and the imports -----------------------------------------------------------------


def test_the_admin_target_form_refuses_a_control_character_on_the_field(planner):
    form = TargetForm(
        data={
            "indicator": Indicator.objects.get(code="KPI-1-1").pk,
            "fiscal_year": "2022",
            "value": "80.25",
            "revised_in": "2018",
            "reason": "延長\x01",
            "note": "",
        }
    )
    form.user = planner
    assert not form.is_valid()
    assert list(form.errors) == ["reason"]
    assert "U+0001" in form.errors["reason"][0]


def test_the_admin_target_form_refuses_a_reason_over_its_limit(planner):
    form = TargetForm(
        data={
            "indicator": Indicator.objects.get(code="KPI-1-1").pk,
            "fiscal_year": "2022",
            "value": "80.25",
            "revised_in": "2018",
            "reason": "a" * (MAX_REASON + 1),
        }
    )
    form.user = planner
    assert not form.is_valid() and list(form.errors) == ["reason"]


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x85"])
def test_an_import_refuses_the_same_characters_naming_row_and_column(planner, character):
    """One rule: the import engine refused C0 and DEL only; the fields refuse C1 (U+0085)
    too."""
    good = ["KPI-3-1", "", "中央区", "2015", "実績", "100"]
    bad = [*good[:3], "2016", "実績", "1", f"備考{character}"]
    data = csv_bytes([INDICATOR_HEADERS, [*good, "備考"], bad])
    report = run_import(data=data, filename="values.csv", user=planner, dry_run=False)
    assert not report.written
    assert errors_of(report) == [(3, "備考", f"制御文字（U+{ord(character):04X}）は使えません。")]


# --- what is already stored never stops an export ----------------------------------------------


@pytest.fixture
def stored_control_characters():
    """Rows written before the rule (or by hand), as item 5 found them."""
    Target.objects.update(reason="見直し\x01の理由\x0b")
    Indicator.objects.filter(code="KPI-1-1").update(name="指標\x1b名")
    value(ward_code="chuo", status=Status.APPROVED, note="備考\x7f")
    record = evaluation(pillar=1, stage="secondary", status=Status.APPROVED, rating="B")
    Evaluation.objects.filter(pk=record.pk).update(analysis="要因\x01分析", comment="意見\x1f")
    return record


def _workbook_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content))
    return "".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


@pytest.mark.parametrize("year", [2014, 2016, 2022])
def test_the_report_workbook_survives_a_stored_control_character(
    client, stored_control_characters, year
):
    """Item 5: /reports/<year>.xlsx was a 500 for every year 2014–2022."""
    response = client.get(f"/reports/{year}.xlsx")
    assert response.status_code == 200
    text = _workbook_text(response.content)
    assert "見直しの理由" in text and "\x01" not in text and "\x0b" not in text


def test_the_report_page_survives_a_stored_control_character(client, stored_control_characters):
    page = client.get("/reports/2016/")
    assert page.status_code == 200
    assert "要因分析" in page.content.decode() and "\x01" not in page.content.decode()


def test_the_stored_report_job_survives_a_stored_control_character(
    settings, tmp_path, stored_control_characters
):
    """Item 5: the stored-report job failed."""
    settings.MEDIA_ROOT = tmp_path
    report = annual_report_generate(fiscal_year=2016)
    assert (report.status, report.error) == (AnnualReportStatus.READY, "")
    assert report.pdf and report.xlsx and report.html
    html = report.html.read().decode()
    assert "要因分析" in html and "\x01" not in html


@pytest.mark.parametrize("query", ["format=csv", "format=csv&encoding=cp932", "format=xlsx"])
def test_the_api_exports_survive_a_stored_control_character(stored_control_characters, query):
    response = client_for().get(f"{TARGETS}?{query}")
    assert response.status_code == 200
    body = response.content
    if "xlsx" in query:
        body = _workbook_text(body).encode()
    assert b"\x01" not in body and b"\x0b" not in body


def test_the_api_json_still_shows_what_is_stored(stored_control_characters):
    """JSON escapes control characters; reading a row is not the place to change it."""
    rows = client_for().get(TARGETS).json()
    assert any("\x01" in row["reason"] for row in rows)


def test_the_open_data_files_survive_a_stored_control_character(client, stored_control_characters):
    for dataset in open_data.DATASETS:
        for suffix in (".csv", ".csv?encoding=shift_jis", ".xlsx"):
            response = client.get(f"/opendata/{dataset.slug}{suffix}")
            assert response.status_code == 200, (dataset.slug, suffix)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if suffix == ".xlsx":
                body = _workbook_text(body).encode()
            for character in (b"\x01", b"\x0b", b"\x1b", b"\x7f"):
                assert character not in body, (dataset.slug, suffix, character)


def test_the_import_export_files_survive_a_stored_control_character(
    planner, stored_control_characters
):
    from infrastructure.imports.workbooks import export_file

    for file_format in ("csv", "xlsx"):
        content, _type, _name = export_file("indicator_value", planner, file_format)
        text = _workbook_text(content) if file_format == "xlsx" else content.decode("utf-8-sig")
        assert "備考" in text and "\x7f" not in text


# --- the data migrations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "community.migrations.0011_text_rule",
        "programs.migrations.0008_text_rule",
        "indicators.migrations.0014_text_rule",
        "evaluations.migrations.0002_text_rule",
    ],
)
def test_each_data_migration_cleans_every_field_it_names(module):
    migration = importlib.import_module(module)
    app = module.split(".")[0]
    for model_name, names in migration.TEXT_FIELDS.items():
        model = django_apps.get_model(app, model_name)
        assert {f.name for f in model._meta.local_fields} >= set(names), model_name
    migration.clean_text(django_apps, None)  # nothing to clean: no error


def test_the_migration_cleans_stored_rows_and_leaves_clean_ones_alone(stored_control_characters):
    migration = importlib.import_module("indicators.migrations.0014_text_rule")
    clean_record = value(ward_code="higashi", note="改行\nとタブ\tは残る")
    versions = dict(IndicatorValue.objects.values_list("pk", "version"))
    migration.clean_text(django_apps, None)
    importlib.import_module("evaluations.migrations.0002_text_rule").clean_text(django_apps, None)

    assert set(Target.objects.values_list("reason", flat=True)) == {"見直しの理由"}
    assert Indicator.objects.get(code="KPI-1-1").name == "指標名"
    assert IndicatorValue.objects.filter(note="備考").exists()
    clean_record.refresh_from_db()
    assert clean_record.note == "改行\nとタブ\tは残る"
    assert dict(IndicatorValue.objects.values_list("pk", "version")) == versions
    analysis, comment = Evaluation.objects.values_list("analysis", "comment").get()
    assert (analysis, comment) == ("要因分析", "意見")


def test_english_messages_name_the_comment(chuo_officer):
    record = value(ward_code="chuo")
    response = _submit(
        client_for(chuo_officer),
        record,
        json.dumps({"comment": "\x1b"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert _error_fields(response) == {"comment": ["A control character (U+001B) is not allowed."]}
